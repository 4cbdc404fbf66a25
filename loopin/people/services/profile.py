"""The caller's social profile: handle, city, cover, links; and their privacy settings."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import BusinessRuleError, Conflict, ValidationFailed
from loopin.core.settings import get_settings
from loopin.media.models import Media, MediaKind, MediaStatus
from loopin.media.services import media_claim, media_erase
from loopin.people.error_codes import PeopleErrorCode
from loopin.people.handles import handle_problem, handle_taken
from loopin.people.models import (
    Audience,
    HandleHistory,
    PersonProfile,
    PrivacySettings,
    ProfileVisibility,
    RequestsFrom,
)
from loopin.people.services.follows import follow_requests_approve_all

MAX_LINKS = 5


def handle_set(*, user: User, handle: str) -> PersonProfile:
    """Claim or change the caller's handle; the old one redirects for HANDLE_REDIRECT_DAYS."""
    handle = handle.strip().lstrip("@")
    problem = handle_problem(handle)
    if problem:
        raise ValidationFailed.one("handle", "INVALID_HANDLE", problem)
    settings = get_settings()
    with transaction.atomic():
        profile, _ = PersonProfile.objects.select_for_update().get_or_create(user=user)
        if profile.handle == handle:
            return profile
        now = timezone.now()
        same_name = profile.handle is not None and profile.handle.lower() == handle.lower()
        if profile.handle and not same_name and profile.handle_changed_at:
            next_change = profile.handle_changed_at + timedelta(days=settings.HANDLE_CHANGE_COOLDOWN_DAYS)
            if next_change > now:
                raise BusinessRuleError(
                    "You changed your handle recently; try again later.",
                    code=PeopleErrorCode.HANDLE_COOLDOWN,
                    details={"next_change_at": next_change.isoformat()},
                )
        if handle_taken(handle, by=user):
            raise Conflict("That handle is taken.", code=PeopleErrorCode.HANDLE_TAKEN)
        old = profile.handle
        if old and not same_name:
            HandleHistory.objects.create(user=user, handle=old, released_at=now)
            profile.handle_changed_at = now  # the first claim starts no cooldown; a change does
        # Taking back one of my own old handles: it is current again, not a redirect.
        HandleHistory.objects.annotate(h=Lower("handle")).filter(user=user, h=handle.lower()).delete()
        profile.handle = handle
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:  # claimed by someone else at the same moment
            raise Conflict("That handle is taken.", code=PeopleErrorCode.HANDLE_TAKEN) from None
        audit_record(action="handle.set", actor=user, obj=profile, data={"old": old, "new": handle})
    return profile


@dataclass
class ProfileChanges:
    """Only the fields in `given` are changed."""

    city: str = ""
    cover_url: str = ""
    cover_media_id: uuid.UUID | None = None
    links: list[str] | None = None
    given: set[str] | None = None


def _check_links(links: list[str]) -> list[str]:
    if len(links) > MAX_LINKS:
        raise ValidationFailed.one("links", "TOO_MANY", f"At most {MAX_LINKS} links.")
    for link in links:
        if not re.match(r"^https?://[^\s/$.?#].[^\s]*$", link) or len(link) > 500:
            raise ValidationFailed.one("links", "INVALID_URL", "Each link must be an http(s) address.")
    return list(dict.fromkeys(links))


def _uploaded_cover(user: User, media_id: uuid.UUID) -> Media:
    (media,) = media_claim(owner=user, media_ids=[media_id], kinds={MediaKind.IMAGE}, field="cover_media_id")
    if media.status != MediaStatus.READY:
        raise ValidationFailed.one("cover_media_id", "MEDIA_NOT_READY", "This upload is not usable.")
    return media


def social_profile_update(*, user: User, changes: ProfileChanges) -> PersonProfile:
    """Change the caller's city, cover picture and links. The cover is an upload of the caller's
    (`cover_media_id`, a re-encoded image from the media API) or a URL; a replaced upload is deleted."""
    given = changes.given or set()
    if {"cover_url", "cover_media_id"} <= given:
        raise ValidationFailed.one("cover_media_id", "ONE_COVER", "Send cover_media_id or cover_url, not both.")
    with transaction.atomic():
        profile, _ = PersonProfile.objects.select_for_update().get_or_create(user=user)
        replaced = profile.cover_media_id
        if "city" in given:
            profile.city = changes.city.strip()
        if "cover_url" in given:
            profile.cover_media, profile.cover_url = None, changes.cover_url
        if "cover_media_id" in given:
            media = _uploaded_cover(user, changes.cover_media_id) if changes.cover_media_id else None
            profile.cover_media, profile.cover_url = media, ""
        if "links" in given:
            profile.links = _check_links(changes.links or [])
        profile.save()
        if replaced is not None and replaced != profile.cover_media_id:
            media_erase(media_ids=[replaced])
    return profile


PRIVACY_FIELDS: dict[str, Any] = {
    "profile_visibility": ProfileVisibility,
    "friend_requests_from": RequestsFrom,
    "friends_list_visible_to": Audience,
    "events_visible_to": Audience,
    "presence_visible_to": Audience,
    "show_in_search": bool,
    "findable_by_phone": bool,
}


def privacy_update(*, user: User, changes: dict[str, Any]) -> PrivacySettings:
    """Change some privacy settings; a profile made public lets every waiting follower in."""
    unknown = set(changes) - set(PRIVACY_FIELDS)
    if unknown:
        raise ValidationFailed.one(sorted(unknown)[0], "UNKNOWN_FIELD", "Not a privacy setting.")
    with transaction.atomic():
        settings, _ = PrivacySettings.objects.select_for_update().get_or_create(user=user)
        was_private = settings.profile_visibility == ProfileVisibility.PRIVATE
        for name, value in changes.items():
            setattr(settings, name, value)
        settings.save()
        approved = 0
        if was_private and settings.profile_visibility == ProfileVisibility.PUBLIC:
            approved = follow_requests_approve_all(user=user)
        audit_record(
            action="privacy.updated", actor=user, obj=settings, data={"changed": sorted(changes), "approved": approved}
        )
    return settings
