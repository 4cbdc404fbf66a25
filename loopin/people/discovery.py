"""People search and "people you may know", ranked by closeness.

Closeness, for both: friends first, then mutual friends, events attended together, shared interests.
Search matches a name (contains) or a handle (starts with; "@..." searches handles only), or, when
the query is a phone number, that exact number only, and only people who allow being found by it: an
unlisted number answers exactly like a number with no account (an empty list). Phone searches are
rate limited per person.
Blocked people (either way) are never found; people who turned search off are found only by friends.
A page costs a fixed number of queries: search 3, suggestions 5.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from loopin.accounts.models import User
from loopin.core import ratelimit
from loopin.core.phone import InvalidPhoneNumber, normalize_phone
from loopin.core.settings import get_settings
from loopin.people.activity import activity, shared_events_annotation
from loopin.people.lists import card, card_queryset
from loopin.people.models import FriendRequest, FriendRequestStatus, Friendship, Mute
from loopin.people.selectors import friend_ids_subquery

PHONE_LIKE = re.compile(r"^\+?[\d\s()\-]{7,20}$")

UserInterest = User.interests.through


def _shared_interests(viewer: User) -> Any:
    mine = UserInterest.objects.filter(user_id=viewer.pk).values("interest_id")
    shared = (
        UserInterest.objects.filter(user_id=OuterRef("pk"), interest_id__in=mine)
        .order_by()
        .values("user_id")
        .annotate(n=Count("interest_id"))
        .values("n")
    )
    return Coalesce(Subquery(shared, output_field=IntegerField()), Value(0))


def _ranked(viewer: User, qs: QuerySet[User]) -> QuerySet[User]:
    return qs.annotate(shared_events=shared_events_annotation(viewer.pk), shared_interests=_shared_interests(viewer))


def _discoverable(qs: QuerySet[User]) -> QuerySet[User]:
    """People who turned search off are found only by their friends."""
    return qs.exclude(Q(privacy__show_in_search=False) & Q(is_friend=False))


def _page(qs: QuerySet[User], order: list[Any], offset: int, limit: int) -> tuple[list[User], int]:
    total = qs.count()
    return list(qs.order_by(*order, "pk")[offset : offset + limit]), total


def people_search(*, viewer: User, q: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """Find people by name, @handle or exact phone number, closest first."""
    text = q.strip()
    if PHONE_LIKE.match(text) and sum(c.isdigit() for c in text) >= 7:
        return _phone_search(viewer, text, offset, limit)
    handle = text.lstrip("@").lower()
    base = card_queryset(viewer).exclude(pk=viewer.pk)
    if text.startswith("@"):
        matches = Q(person__handle__istartswith=handle)  # "@" asks for handles only
    else:
        matches = Q(name__icontains=text) | Q(person__handle__istartswith=handle)
    qs = _ranked(viewer, _discoverable(base.filter(matches)))
    qs = qs.annotate(
        exact_rank=Case(
            When(person__handle__iexact=handle, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    )
    order = [
        "exact_rank",  # the exact handle first, then friends, then the closest
        F("is_friend").desc(),
        F("mutual_friends").desc(),
        F("shared_events").desc(),
        F("shared_interests").desc(),
        "name",
    ]
    rows, total = _page(qs, order, offset, limit)
    return [_search_card(u) for u in rows], total


def _phone_search(viewer: User, text: str, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    ratelimit.hit("people.phone_search", str(viewer.pk), ratelimit.rate(get_settings().PHONE_SEARCH_RATE))
    try:
        phone = normalize_phone(text)
    except InvalidPhoneNumber:
        return [], 0
    qs = (
        _ranked(viewer, card_queryset(viewer))
        .exclude(pk=viewer.pk)
        .filter(phone_number=phone)
        .exclude(privacy__findable_by_phone=False)
    )
    rows, total = _page(qs, ["name"], offset, limit)
    return [_search_card(u) for u in rows], total


def _search_card(user: User) -> dict[str, Any]:
    return {**card(user), "shared_events": user.shared_events, "shared_interests": user.shared_interests}


# ---------------------------------------------------------------- suggestions


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def people_suggestions(*, viewer: User, offset: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """People the caller may know (friends of friends, events together, shared interests), with the reasons."""
    me = viewer.pk
    my_friends = friend_ids_subquery(me)
    friends_of_friends = Friendship.objects.filter(user_id__in=my_friends).values("friend_id")
    same_interests = UserInterest.objects.filter(
        interest_id__in=UserInterest.objects.filter(user_id=me).values("interest_id")
    ).values("user_id")
    near = Q(pk__in=friends_of_friends) | Q(pk__in=same_interests)
    source = activity()
    if source is not None:
        near |= Q(pk__in=source.co_attendee_ids(me))
    asked = FriendRequest.objects.filter(status=FriendRequestStatus.PENDING)
    qs = (
        card_queryset(viewer)
        .filter(near)
        .exclude(pk=me)
        .exclude(pk__in=my_friends)
        .exclude(pk__in=Mute.objects.filter(muter_id=me).values("muted_id"))
        .exclude(pk__in=asked.filter(from_user_id=me).values("to_user_id"))
        .exclude(pk__in=asked.filter(to_user_id=me).values("from_user_id"))
        .exclude(privacy__show_in_search=False)
    )
    qs = _ranked(viewer, qs).annotate(score=F("mutual_friends") * 3 + F("shared_events") * 2 + F("shared_interests"))
    qs = qs.filter(score__gt=0)
    rows, total = _page(qs, [F("score").desc(), F("mutual_friends").desc(), "name"], offset, limit)
    ids = [u.pk for u in rows]
    together = source.shared_example(me, [u.pk for u in rows if u.shared_events]) if source and rows else {}
    common = _common_interest(viewer, [u.pk for u in rows if u.shared_interests]) if ids else {}
    out = []
    for user in rows:
        reasons = []
        if user.mutual_friends:
            reasons.append(_plural(user.mutual_friends, "mutual friend", "mutual friends"))
        if user.shared_events and user.pk in together:
            reasons.append(f"Both went to {together[user.pk]}")
        if user.shared_interests and user.pk in common:
            reasons.append(f"Both into {common[user.pk]}")
        out.append({**_search_card(user), "reason": reasons[0] if reasons else None, "reasons": reasons})
    return out, total


def _common_interest(viewer: User, user_ids: list[Any]) -> dict[Any, str]:
    """For each user, the name of one interest they share with the viewer (one query)."""
    if not user_ids:
        return {}
    mine = UserInterest.objects.filter(user_id=viewer.pk).values("interest_id")
    rows = (
        UserInterest.objects.filter(user_id__in=user_ids, interest_id__in=mine)
        .order_by("user_id", "interest__position", "interest_id")
        .values_list("user_id", "interest__name")
    )
    found: dict[Any, str] = {}
    for user_id, name in rows:
        found.setdefault(user_id, name)
    return found
