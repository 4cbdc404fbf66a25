"""Public profiles by id and by handle. What the person's privacy hides is absent from the answer, not empty.

Always there: id, name, handle, picture(s), counts of friends/followers/following, relationship (signed
in). With profile details (public profile, or friend / approved follower): bio, interests, city, cover,
links, events hosted/attended counts, upcoming public events they host. The events they are going to
when `events_visible_to` lets the viewer see them. Mutual friends (first five and
the count) when the viewer may see the friends list.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Lower
from django.utils import timezone
from pydantic import BaseModel

from loopin.accounts.models import Interest, ProfilePicture, User
from loopin.core.settings import get_settings
from loopin.media.selectors import media_data
from loopin.people.activity import activity
from loopin.people.errors import PersonNotFound
from loopin.people.handles import handle_problem, handle_taken
from loopin.people.lists import card, card_queryset, reachable
from loopin.people.models import Follow, FollowStatus, Friendship, HandleHistory, PersonProfile
from loopin.people.selectors import (
    can_see_events,
    can_see_friends,
    can_view_details,
    friend_ids_subquery,
    is_blocked_between,
    privacy_of,
    relationship,
)

MUTUAL_PREVIEW = 5
UPCOMING_EVENTS = 5


def _subject(viewer: User | None, user_id: uuid.UUID) -> User:
    subject = (
        reachable()
        .filter(pk=user_id)
        .select_related("person", "person__cover_media")
        .prefetch_related(
            Prefetch("pictures", queryset=ProfilePicture.objects.order_by("position", "created_at")),
            Prefetch("interests", queryset=Interest.objects.order_by("position")),
        )
        .annotate(
            friends_count=Count("friendships", distinct=True),
            followers_count=Count(
                "follower_edges", filter=Q(follower_edges__status=FollowStatus.ACTIVE), distinct=True
            ),
        )
        .first()
    )
    if subject is None or (viewer is not None and viewer.pk != subject.pk and is_blocked_between(viewer, subject)):
        raise PersonNotFound()
    return subject


def cover_url(person: PersonProfile | None) -> str:
    """The cover picture's address: an uploaded cover's large size, else the URL given, else ""."""
    if person is None:
        return ""
    if person.cover_media_id is not None and person.cover_media is not None:
        return media_data(person.cover_media)["url"] or ""
    return person.cover_url


def _cards(cards: Sequence[BaseModel]) -> list[dict[str, Any]]:
    """The event cards (built once, by `EventCardOut.from_model`) as this answer's documented plain objects: the
    card's fields as they are, its times datetimes, so serialized in UTC here, as they always were (the profile's
    schema declares `list[dict]`: people cannot name the events schema, events imports people)."""
    return [dict(card) for card in cards]


def public_profile(*, viewer: User | None, user_id: uuid.UUID) -> dict[str, Any]:
    """Someone's profile as the viewer may see it (404 when unknown, gone, or blocked either way)."""
    subject = _subject(viewer, user_id)
    pictures = [p.public_url for p in subject.pictures.all()]
    person = getattr(subject, "person", None)
    following = Follow.objects.filter(follower=subject, status=FollowStatus.ACTIVE).count()
    out: dict[str, Any] = {
        "id": subject.id,
        "name": subject.name or None,
        "handle": person.handle if person else None,
        "picture": pictures[0] if pictures else None,
        "pictures": pictures,
        "counts": {"friends": subject.friends_count, "followers": subject.followers_count, "following": following},
    }
    if viewer is not None:
        out["relationship"] = relationship(viewer, subject).as_dict()
    source = activity()
    if can_view_details(viewer, subject):
        out["bio"] = subject.bio or None
        out["interests"] = [{"id": i.id, "name": i.name, "slug": i.slug} for i in subject.interests.all()]
        out["city"] = (person.city if person else "") or None
        out["cover_url"] = cover_url(person) or None
        out["links"] = list(person.links) if person else []
        if source is not None:
            out["counts"].update(source.counts(subject.id))
            out["upcoming_events"] = _cards(source.upcoming_hosted(subject.id, viewer, UPCOMING_EVENTS))
    if source is not None and can_see_events(viewer, subject):
        out["going_to"] = _cards(source.upcoming_attending(subject.id, viewer, UPCOMING_EVENTS))
    if viewer is not None and viewer.pk != subject.pk and can_see_friends(viewer, subject):
        ids = Friendship.objects.filter(user=subject, friend_id__in=friend_ids_subquery(viewer)).values("friend_id")
        mutual = card_queryset(viewer).filter(pk__in=ids)
        first = list(mutual.order_by("name", "pk")[:MUTUAL_PREVIEW])
        out["mutual_friends"] = {"count": mutual.count(), "first": [card(u) for u in first]}
    return out


def profile_by_handle(*, viewer: User | None, handle: str) -> dict[str, Any]:
    """A profile by @handle (case-insensitive); an old handle given up in the last 30 days still finds its owner."""
    lowered = handle.strip().lstrip("@").lower()
    if not lowered:
        raise PersonNotFound()
    current = PersonProfile.objects.annotate(h=Lower("handle")).filter(h=lowered).values_list("user_id", flat=True)
    user_id = current.first()
    redirected = False
    if user_id is None:
        since = timezone.now() - timedelta(days=get_settings().HANDLE_REDIRECT_DAYS)
        old = (
            HandleHistory.objects.annotate(h=Lower("handle"))
            .filter(h=lowered, released_at__gt=since)
            .order_by("-released_at")
            .values_list("user_id", flat=True)
        )
        user_id = old.first()
        redirected = user_id is not None
    if user_id is None:
        raise PersonNotFound()
    out = public_profile(viewer=viewer, user_id=user_id)
    if redirected:
        out["redirected_from"] = handle.strip().lstrip("@")
    return out


def my_privacy(*, user: User) -> dict[str, Any]:
    """The caller's privacy settings (the defaults until they change one)."""
    p = privacy_of(user)
    return {
        "profile_visibility": p.profile_visibility,
        "friend_requests_from": p.friend_requests_from,
        "friends_list_visible_to": p.friends_list_visible_to,
        "events_visible_to": p.events_visible_to,
        "presence_visible_to": p.presence_visible_to,
        "show_in_search": p.show_in_search,
        "findable_by_phone": p.findable_by_phone,
    }


def my_social_profile(*, user: User) -> dict[str, Any]:
    """The caller's handle, city, cover and links."""
    person = PersonProfile.objects.filter(user=user).select_related("cover_media").first() or PersonProfile(user=user)
    return {
        "handle": person.handle,
        "handle_changed_at": person.handle_changed_at,
        "city": person.city or None,
        "cover_url": cover_url(person) or None,
        "links": list(person.links or []),
    }


def handle_check(*, user: User, handle: str) -> dict[str, Any]:
    """Whether the caller could take a handle now (format, reserved words, taken or recently given up)."""
    handle = handle.strip().lstrip("@")
    problem = handle_problem(handle)
    if problem is None and handle_taken(handle, by=user):
        problem = "That handle is taken."
    return {"handle": handle, "available": problem is None, "problem": problem}
