"""The test suite's `flush`: empties every table with DELETE in one transaction, instead of Django's TRUNCATE.

Every transactional test (each `api` test) ends with a flush. Django's flush on PostgreSQL is one TRUNCATE of
all ~130 tables, and TRUNCATE makes new files for every table and index: ~0.5 s a test, most of the
PostgreSQL run's time. DELETE of the few rows a test wrote costs milliseconds. Content types and permissions
are kept (Django's flush would empty them and rebuild the same rows from the post_migrate signal, which is
then not needed; no receiver of ours listens to it). Django's own command still runs when sequences are to be
reset. This command exists only where loopin.testing is installed: the test settings.
"""

from __future__ import annotations

from typing import Any

from django.core.management.commands import flush
from django.db import connections, transaction

KEPT = frozenset({"django_content_type", "auth_permission"})


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        if options["reset_sequences"]:
            super().handle(**options)
            return
        connection = connections[options["database"]]
        tables = [t for t in connection.introspection.django_table_names(only_existing=True) if t not in KEPT]
        quote = connection.ops.quote_name
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                # The audit table's trigger refuses DELETE except for the retention job's setting.
                cursor.execute("SET LOCAL loopin.audit_retention = 'on'")
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - names from Django's introspection
