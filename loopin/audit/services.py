from __future__ import annotations

import ipaddress
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, models, transaction
from django.utils import timezone

from loopin.audit.models import AuditEntry
from loopin.core.compiled import CompiledInsert
from loopin.core.settings import get_settings

if TYPE_CHECKING:
    from loopin.accounts.models import User

# The transaction-local flag the PostgreSQL trigger (migration 0002) checks before letting a DELETE through.
RETENTION_FLAG = "loopin.audit_retention"
# Named, not imported: organisations records through this module, so audit cannot depend on it.
ORGANISATION_MODEL = "organisations.organisation"


def _uuid_or_none(value: object) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID) or value is None:
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    obj: models.Model | None = None,
    subject: User | None = None,
    ip: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Never pass phone numbers or codes in `data`. The organisation of an organisation
    action (the object's own `organisation_id`, an organisation itself, or `data["organisation_id"]`) goes in the
    `organisation_id` column and, for older readers, in `data`."""
    organisation_id = getattr(obj, "organisation_id", None)
    if organisation_id is None and obj is not None and obj._meta.label_lower == ORGANISATION_MODEL:
        organisation_id = obj.pk
    if organisation_id is not None:
        data = {"organisation_id": str(organisation_id), **(data or {})}
    column = _uuid_or_none((data or {}).get("organisation_id"))
    if ip is not None:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            ip = None
    entry = AuditEntry(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        subject=subject if getattr(subject, "pk", None) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        organisation_id=column,
        ip=ip,
        data=data or {},
    )
    _INSERT.insert(entry)
    return entry


# Every audit entry (issue 22): its INSERT compiled once, not built and compiled by the ORM on each record.
# AuditEntry.save only refuses an update, and a compiled insert never updates.
_INSERT = CompiledInsert(AuditEntry, own_save_kept=True)


def audit_purge_expired(*, days: int | None = None, batch_size: int = 5000) -> int:
    """Remove entries older than `days` (AUDIT_RETENTION_DAYS): the only code that deletes audit entries.

    Each batch is its own short transaction that raises the flag the append-only trigger honours.
    """
    days = days or get_settings().AUDIT_RETENTION_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    batch = AuditEntry.objects.filter(created_at__lt=cutoff).order_by("created_at").values("id")[:batch_size]
    select_sql, params = batch.query.sql_with_params()
    total = 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL {RETENTION_FLAG} = 'on'")
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({select_sql})", params)  # noqa: S608 - no input
            removed: int = cursor.rowcount
        total += removed
        if removed < batch_size:
            break
    if total:
        audit_record(action="audit.purged", data={"removed": total, "older_than_days": days})
    return total
