"""Handle rules: 3-30 letters, digits, underscores or dots, case-insensitive unique, reserved words refused;
a handle given up stays its owner's (and redirects to them) for HANDLE_REDIRECT_DAYS."""

from __future__ import annotations

import re
from datetime import timedelta

from django.db.models.functions import Lower
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.settings import get_settings
from loopin.people.models import HandleHistory, PersonProfile

HANDLE_PATTERN = re.compile(r"^(?![.])(?!.*[.]{2})[A-Za-z0-9_.]{3,30}(?<![.])$")

# Names that would read as Loopin speaking, or clash with app screens and paths.
RESERVED_HANDLES = frozenset(
    {
        "admin", "administrator", "api", "app", "about", "account", "help", "support", "loopin", "loopinapp",
        "official", "staff", "team", "moderator", "mod", "root", "system", "security", "privacy", "terms",
        "settings", "me", "you", "user", "users", "event", "events", "host", "hosts", "login", "signup",
        "logout", "everyone", "null", "undefined", "none", "anonymous", "search", "explore", "feed",
        "notifications", "invite", "invites",
    }
)  # fmt: skip


def handle_problem(handle: str) -> str | None:
    """Why a handle cannot be used as written (format and reserved words), or None."""
    if not HANDLE_PATTERN.match(handle):
        return "3-30 letters, digits, underscores or dots; no dot first, last or twice in a row."
    if handle.lower() in RESERVED_HANDLES:
        return "That handle is reserved."
    return None


def handle_taken(handle: str, *, by: User | None = None) -> bool:
    """Someone else has it, or gave it up less than HANDLE_REDIRECT_DAYS ago (it still redirects to them)."""
    lowered = handle.lower()
    current = PersonProfile.objects.annotate(h=Lower("handle")).filter(h=lowered)
    since = timezone.now() - timedelta(days=get_settings().HANDLE_REDIRECT_DAYS)
    recent = HandleHistory.objects.annotate(h=Lower("handle")).filter(h=lowered, released_at__gt=since)
    if by is not None:
        current = current.exclude(user=by)
        recent = recent.exclude(user=by)
    return current.exists() or recent.exists()
