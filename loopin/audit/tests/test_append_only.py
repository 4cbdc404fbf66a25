"""The audit log is append-only: the database (PostgreSQL trigger) or the ORM (SQLite) refuses changes,
and the retention job is the only thing that removes entries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.audit.services import audit_purge_expired, audit_record
from loopin.audit.tasks import purge_expired
from loopin.testing.fixtures import run_task

ON_POSTGRES = connection.vendor == "postgresql"


def _sql(statement: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, list(params))


@pytest.fixture
def aged(monkeypatch):
    """Append an entry as if it had been written `days` ago (inserts are allowed; only the clock moves)."""

    def make(days: int, action: str = "old.thing") -> AuditEntry:
        then = timezone.now() - timedelta(days=days)
        with monkeypatch.context() as m:
            m.setattr(timezone, "now", lambda: then)
            return audit_record(action=action)

    return make


def test_an_update_is_refused(db):
    entry = audit_record(action="user.suspended", data={"reason": "spam"})
    if ON_POSTGRES:
        with pytest.raises(ProgrammingError, match="append-only: UPDATE refused"):
            _sql("UPDATE audit_auditentry SET action = 'nothing' WHERE id = %s", entry.pk)
    else:
        with pytest.raises(TypeError, match="append-only"):
            AuditEntry.objects.filter(pk=entry.pk).update(action="nothing")
    assert AuditEntry.objects.get(pk=entry.pk).action == "user.suspended"


def test_a_delete_is_refused(db):
    entry = audit_record(action="user.suspended")
    if ON_POSTGRES:
        with pytest.raises(ProgrammingError, match="append-only: DELETE refused"):
            _sql("DELETE FROM audit_auditentry WHERE id = %s", entry.pk)
    else:
        with pytest.raises(TypeError, match="append-only"):
            AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_saving_or_deleting_an_entry_through_the_orm_is_refused(db):
    entry = audit_record(action="user.suspended")
    entry.action = "nothing"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()


def test_the_retention_flag_lets_deletes_through_but_never_updates(transactional_db):
    entry = audit_record(action="user.suspended")
    if ON_POSTGRES:
        with (
            pytest.raises(ProgrammingError, match="UPDATE refused"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET LOCAL loopin.audit_retention = 'on'")
            cursor.execute("UPDATE audit_auditentry SET action = 'nothing' WHERE id = %s", [entry.pk])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL loopin.audit_retention = 'on'")
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
        # The flag was transaction-local: the next transaction is refused again.
        other = audit_record(action="user.unsuspended")
        with pytest.raises(ProgrammingError, match="DELETE refused"):
            _sql("DELETE FROM audit_auditentry WHERE id = %s", other.pk)
    else:
        # SQLite has no trigger and no flag: the ORM refusal is the guard, and raw SQL is the retention path.
        with pytest.raises(TypeError):
            AuditEntry.objects.all().delete()
        _sql("DELETE FROM audit_auditentry WHERE id = %s", entry.pk.hex)
    assert not AuditEntry.objects.filter(pk=entry.pk).exists()


def test_retention_removes_only_entries_past_the_period(db, aged):
    old = aged(400)
    kept = aged(300)
    assert audit_purge_expired(days=365) == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert AuditEntry.objects.get(action="audit.purged").data == {"removed": 1, "older_than_days": 365}


def test_retention_works_in_batches(db, aged):
    for _ in range(5):
        aged(400)
    assert audit_purge_expired(days=365, batch_size=2) == 5
    assert AuditEntry.objects.filter(action="old.thing").count() == 0


def test_retention_uses_the_setting_and_runs_from_the_task(db, aged, app_settings):
    app_settings.AUDIT_RETENTION_DAYS = 30
    aged(31)
    aged(29, action="recent.thing")
    assert run_task(purge_expired) == 1
    assert run_task(purge_expired) == 0
    assert AuditEntry.objects.filter(action="recent.thing").count() == 1


def test_the_management_command_purges(db, aged, capsys):
    aged(10)
    call_command("audit_purge", "--days", "5")
    assert "Removed 1 audit entries older than 5 days." in capsys.readouterr().out
    assert AuditEntry.objects.filter(action="old.thing").count() == 0
