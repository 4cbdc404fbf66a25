from __future__ import annotations

import ipaddress
from typing import Any

from django.db import models

from loopin.audit.models import AuditEntry


def audit_record(
    *,
    action: str,
    actor: Any = None,
    obj: models.Model | None = None,
    subject: Any = None,
    ip: str | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. Never pass phone numbers or codes in `data`."""
    if ip is not None:
        try:
            ipaddress.ip_address(ip)
        except ValueError:
            ip = None
    return AuditEntry.objects.create(
        action=action,
        actor=actor if getattr(actor, "pk", None) else None,
        subject=subject if getattr(subject, "pk", None) else None,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        ip=ip,
        data=data or {},
    )
