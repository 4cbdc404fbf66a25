"""Remove audit entries past the retention period (the same job Celery beat runs nightly)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser

from loopin.audit.services import audit_purge_expired
from loopin.core.settings import get_settings


class Command(BaseCommand):
    help = "Delete audit entries older than AUDIT_RETENTION_DAYS (or --days); the only way entries are removed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="override AUDIT_RETENTION_DAYS")

    def handle(self, *args: object, **options: object) -> None:
        days = options["days"] or get_settings().AUDIT_RETENTION_DAYS
        if not isinstance(days, int) or days < 1:
            self.stderr.write("--days must be at least 1.")
            return
        removed = audit_purge_expired(days=days)
        self.stdout.write(self.style.SUCCESS(f"Removed {removed} audit entries older than {days} days."))
