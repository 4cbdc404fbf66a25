"""Versioned templates with {{placeholders}}: the newest active version of a key is used.

A version that has notifications pointing to it is never edited in place: saving it in the admin makes
a new version (`template_save_version`), so what someone received can always be shown as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Max

from loopin.core.errors import NotFound
from loopin.core.settings import get_settings
from loopin.notifications.defaults import DEFAULT_TEMPLATES
from loopin.notifications.error_codes import NotificationErrorCode
from loopin.notifications.models import NotificationTemplate

PLACEHOLDER = re.compile(r"\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}")


@dataclass(frozen=True)
class Rendered:
    title: str
    body: str


def render_text(text: str, context: dict[str, Any]) -> str:
    """Fill {{name}} from context; an unknown placeholder becomes empty (never leaks braces to users)."""
    return PLACEHOLDER.sub(lambda m: str(context.get(m.group(1), "")), text).strip()


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def render(template: NotificationTemplate, context: dict[str, Any]) -> Rendered:
    return Rendered(title=render_text(template.title, context), body=render_text(template.body, context))


def template_current(key: str) -> NotificationTemplate | None:
    """The newest active version of a key; None when staff switched every version off (nothing is sent)."""
    template = NotificationTemplate.objects.filter(key=key, is_active=True).order_by("-version").first()
    if template is not None:
        return template
    if NotificationTemplate.objects.filter(key=key).exists():
        return None
    return _restore_default(key)


def _restore_default(key: str) -> NotificationTemplate:
    """A key with no version at all (e.g. a freshly flushed database) gets its default version 1 back."""

    for default_key, category, screen, title, body in DEFAULT_TEMPLATES:
        if default_key == key:
            try:
                with transaction.atomic():
                    template, _ = NotificationTemplate.objects.get_or_create(
                        key=key,
                        version=1,
                        defaults={"category": category, "screen": screen, "title": title, "body": body},
                    )
            except IntegrityError:
                template = NotificationTemplate.objects.get(key=key, version=1)
            return template
    raise NotFound(f"No template '{key}'.", code=NotificationErrorCode.TEMPLATE_NOT_FOUND)


def template_in_use(template: NotificationTemplate) -> bool:
    return template.pk is not None and (template.notifications.exists() or template.campaigns.exists())


def template_save_version(*, template: NotificationTemplate, by: Any = None) -> NotificationTemplate:
    """Save an edited template: in place while unused, else as a new version (the old one is left as it was)."""
    with transaction.atomic():
        if template.pk is None or not template_in_use(template):
            if template.pk is None:
                latest = NotificationTemplate.objects.filter(key=template.key).aggregate(v=Max("version"))["v"]
                template.version = (latest or 0) + 1
                template.created_by = template.created_by or by
            template.save()
            return template
        latest = NotificationTemplate.objects.select_for_update().filter(key=template.key).order_by("-version").first()
        new = NotificationTemplate.objects.create(
            key=template.key,
            version=(latest.version if latest else template.version) + 1,
            category=template.category,
            title=template.title,
            body=template.body,
            screen=template.screen,
            is_active=template.is_active,
            created_by=by,
        )
    return new


def display_time(value: datetime) -> str:
    """A start time as people read it, in the display zone: 'Sat 5 Dec, 7:00 PM'."""
    local = value.astimezone(ZoneInfo(get_settings().DISPLAY_TIME_ZONE))
    return local.strftime("%a %-d %b, %-I:%M %p")
