"""Profiles: completing and editing one, with its pictures."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

import structlog
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from loopin.accounts.error_codes import AccountErrorCode
from loopin.accounts.models import (
    Interest,
    ProfilePicture,
    User,
)
from loopin.accounts.waitlist import waitlist_place
from loopin.audit.services import audit_record
from loopin.core.errors import (
    PermissionDenied,
    ValidationFailed,
)
from loopin.core.images import image_clean

log = structlog.get_logger("loopin.accounts")


@dataclass
class UploadedImage:
    filename: str
    content: bytes


@dataclass
class ProfileChanges:
    """Validated profile fields; None means 'not given' (partial update)."""

    name: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    bio: str | None = None
    event_interests: list[int] | None = None
    picture_urls: list[str] | None = None
    uploads: list[UploadedImage] = field(default_factory=list)
    phone_number: str | None = None


MAX_PICTURES = 6


def _active_interests(ids: list[int]) -> list[Interest]:
    found = {i.id: i for i in Interest.objects.filter(id__in=ids, is_active=True)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationFailed.one(
            "event_interests", "INVALID_INTEREST", f"Unknown or inactive interest ids: {', '.join(map(str, missing))}."
        )
    return [found[i] for i in ids]


def _store_uploads(user: User, uploads: list[UploadedImage]) -> list[str]:
    """Write uploaded pictures to storage before the transaction; the caller deletes them on failure."""

    cleaned = [image_clean(u.content, field=f"profile_pictures[{i}]") for i, u in enumerate(uploads)]
    names: list[str] = []
    try:
        for clean in cleaned:
            name = f"profile-pictures/{user.id}/{uuid.uuid4().hex}.{clean.extension}"
            names.append(default_storage.save(name, ContentFile(clean.content)))
    except Exception:
        _delete_files(names)
        raise
    return names


def _replace_pictures(user: User, urls: list[str], stored: list[str]) -> None:
    total = len(urls) + len(stored)
    if not 1 <= total <= MAX_PICTURES:
        raise ValidationFailed.one(
            "profile_pictures", "PICTURE_COUNT", f"Add between 1 and {MAX_PICTURES} profile pictures."
        )
    old_files = [p.image.name for p in user.pictures.all() if p.image.name]
    user.pictures.all().delete()
    ProfilePicture.objects.bulk_create(
        [ProfilePicture(user=user, position=i, url=url) for i, url in enumerate(urls)]
        + [ProfilePicture(user=user, position=len(urls) + i, image=name) for i, name in enumerate(stored)]
    )
    # Files of replaced pictures are deleted only once the new ones are committed.
    transaction.on_commit(lambda: _delete_files(old_files))


def _delete_files(names: list[str]) -> None:

    for name in names:
        try:
            default_storage.delete(name)
        except Exception:  # a missing file is not worth failing a request for
            log.warning("file_delete_failed", name=name)


def _apply_profile(user: User, changes: ProfileChanges, stored: list[str]) -> list[str]:
    changed: list[str] = []
    for name in ("name", "birth_date", "gender", "bio"):
        value = getattr(changes, name)
        if value is not None and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changes.event_interests is not None:
        interests = _active_interests(changes.event_interests)
        user.interests.set(interests)
        changed.append("event_interests")
    if changes.picture_urls is not None or stored:
        _replace_pictures(user, changes.picture_urls or [], stored)
        changed.append("profile_pictures")
    return changed


def _is_complete(user: User) -> bool:
    return bool(user.name and user.birth_date and user.gender and user.interests.exists() and user.pictures.exists())


def profile_complete(*, user: User, changes: ProfileChanges) -> User:
    """Set every profile field; the first completion is what lets a user use the rest of the app."""
    if changes.phone_number is not None and changes.phone_number != user.phone_number:
        raise PermissionDenied(
            "The phone number does not match the signed-in account.", code=AccountErrorCode.PHONE_MISMATCH
        )
    stored = _store_uploads(user, changes.uploads)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(id=user.id)
            changed = _apply_profile(user, changes, stored)
            first_time = user.profile_completed_at is None
            if first_time:
                user.profile_completed_at = timezone.now()
                waitlist_place(user)
            user.save()
            audit_record(
                action="profile.completed" if first_time else "profile.updated",
                actor=user,
                obj=user,
                subject=user,
                data={"fields": changed},
            )
    except Exception:
        _delete_files(stored)
        raise
    return user


def profile_update(*, user: User, changes: ProfileChanges) -> User:
    """Change some profile fields. The rules are those of completion."""
    stored = _store_uploads(user, changes.uploads)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().get(id=user.id)
            changed = _apply_profile(user, changes, stored)
            if user.profile_completed_at is None and _is_complete(user):
                user.profile_completed_at = timezone.now()
                changed.append("profile_completed_at")
                waitlist_place(user)
            user.save()
            if changed:
                audit_record(action="profile.updated", actor=user, obj=user, subject=user, data={"fields": changed})
    except Exception:
        _delete_files(stored)
        raise
    return user
