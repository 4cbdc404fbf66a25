"""People's parts of account deletion and export (registered in PeopleConfig.ready, see loopin.core.hooks).

Deletion removes the person from every edge (friendships both ways, requests, follows, blocks, mutes),
their privacy settings, handle and old handles, and every report they made. Reports about them stay
for the moderators' record, anonymised: the note that described them is erased (the reported row itself
is anonymised by accounts).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from loopin.accounts.models import User
from loopin.people.models import (
    Block,
    Follow,
    FriendRequest,
    Friendship,
    HandleHistory,
    Mute,
    PersonProfile,
    PostingSuspension,
    PrivacySettings,
    Report,
    Takedown,
)
from loopin.people.profiles import cover_url


def erase_people_data(user: User) -> None:
    Friendship.objects.filter(Q(user=user) | Q(friend=user)).delete()
    FriendRequest.objects.filter(Q(from_user=user) | Q(to_user=user)).delete()
    Follow.objects.filter(Q(follower=user) | Q(followee=user)).delete()
    Block.objects.filter(Q(blocker=user) | Q(blocked=user)).delete()
    Mute.objects.filter(Q(muter=user) | Q(muted=user)).delete()
    PrivacySettings.objects.filter(user=user).delete()
    PersonProfile.objects.filter(user=user).delete()
    HandleHistory.objects.filter(user=user).delete()
    Report.objects.filter(reporter=user).delete()
    Report.objects.filter(subject=user).update(note="")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def export_people_data(user: User) -> dict[str, Any]:
    """The person's graph: friends, requests, follows, blocks, mutes, privacy, handle, reports they made, and the
    moderators' takedowns of their content and posting suspension."""
    profile = PersonProfile.objects.filter(user=user).first()
    privacy = PrivacySettings.objects.filter(user=user).first()
    return {
        "handle": profile.handle if profile else None,
        "old_handles": [
            {"handle": h.handle, "released_at": _iso(h.released_at)}
            for h in HandleHistory.objects.filter(user=user).order_by("released_at")
        ],
        "city": profile.city if profile else "",
        "cover_url": cover_url(profile),
        "links": profile.links if profile else [],
        "privacy": (
            {
                "profile_visibility": privacy.profile_visibility,
                "friend_requests_from": privacy.friend_requests_from,
                "friends_list_visible_to": privacy.friends_list_visible_to,
                "events_visible_to": privacy.events_visible_to,
                "presence_visible_to": privacy.presence_visible_to,
                "show_in_search": privacy.show_in_search,
                "findable_by_phone": privacy.findable_by_phone,
            }
            if privacy
            else None
        ),
        "friends": [
            {"user_id": str(f.friend_id), "since": _iso(f.created_at)}
            for f in Friendship.objects.filter(user=user).order_by("created_at")
        ],
        "friend_requests": [
            {
                "from_user_id": str(r.from_user_id),
                "to_user_id": str(r.to_user_id),
                "status": r.status,
                "created_at": _iso(r.created_at),
                "decided_at": _iso(r.decided_at),
            }
            for r in FriendRequest.objects.filter(Q(from_user=user) | Q(to_user=user)).order_by("created_at")
        ],
        "following": [
            {"user_id": str(f.followee_id), "status": f.status, "since": _iso(f.created_at)}
            for f in Follow.objects.filter(follower=user).order_by("created_at")
        ],
        "followers": [
            {"user_id": str(f.follower_id), "status": f.status, "since": _iso(f.created_at)}
            for f in Follow.objects.filter(followee=user).order_by("created_at")
        ],
        "blocked": [
            {"user_id": str(b.blocked_id), "since": _iso(b.created_at)}
            for b in Block.objects.filter(blocker=user).order_by("created_at")
        ],
        "muted": [
            {"user_id": str(m.muted_id), "since": _iso(m.created_at)}
            for m in Mute.objects.filter(muter=user).order_by("created_at")
        ],
        "reports_made": [
            {
                "id": str(r.id),
                "subject_id": str(r.subject_id),
                "target_type": r.target_type,
                "target_id": r.target_id,
                "category": r.category,
                "note": r.note,
                "status": r.status,
                "created_at": _iso(r.created_at),
            }
            for r in Report.objects.filter(reporter=user).order_by("created_at")
        ],
        "content_taken_down": [
            {"target_type": t.target_type, "target_id": t.target_id, "at": _iso(t.created_at)}
            for t in Takedown.objects.filter(subject=user).order_by("created_at")
        ],
        "posting_suspended_until": _iso(
            PostingSuspension.objects.filter(user=user).values_list("until", flat=True).first()
        ),
    }
