"""People HTTP API: profiles, search, suggestions, friends, follows, blocks, mutes, privacy, handle, reports.

Someone else's things live under /api/v2/users/{user_id}; the caller's own under /api/v2/me/...
A blocked person is answered like an unknown one (404 USER_NOT_FOUND). Static paths come before
`/{user_id}`.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import Path, Query

from loopin.accounts.models import User
from loopin.core.auth import CurrentUser, OptionalUser
from loopin.core.envelope import Envelope, ListEnvelope, error_responses, ok
from loopin.core.pagination import PageParams, run_page
from loopin.core.routing import APIRouter
from loopin.core.sync import run_sync
from loopin.people import discovery, lists, profiles
from loopin.people.schemas import (
    FollowOut,
    FriendRequestOut,
    FriendRequestSentOut,
    HandleCheckOut,
    HandleIn,
    PersonCardOut,
    PrivacyIn,
    PrivacyOut,
    PublicProfileOut,
    ReportIn,
    ReportOut,
    SearchResultOut,
    SocialProfileIn,
    SocialProfileOut,
    SuggestionOut,
    UserRefIn,
)
from loopin.people.services import blocks, follows, friends, profile, reports

users = APIRouter(prefix="/api/v2/users", tags=["people"])
me = APIRouter(prefix="/api/v2/me", tags=["people"])
report_router = APIRouter(prefix="/api/v2/reports", tags=["people"])

LIST_ERRORS = error_responses(401, 403, 422)
PERSON_ERRORS = error_responses(400, 401, 403, 404, 409, 422)


# ---------------------------------------------------------------- discovery and profiles


@users.get("/search", response_model=ListEnvelope[SearchResultOut], responses=error_responses(401, 403, 422, 429))
async def search(
    caller: CurrentUser, page: PageParams, q: Annotated[str, Query(min_length=1, max_length=100)]
) -> dict[str, Any]:
    """Find people by name, @handle or exact phone number, closest first (friends, mutual friends, events together)."""
    return await run_page(discovery.people_search, page, "People", viewer=caller, q=q)


@users.get(
    "/by-handle/{handle}",
    response_model=Envelope[PublicProfileOut],
    response_model_exclude_unset=True,
    responses=error_responses(404, 422),
)
async def profile_by_handle(handle: Annotated[str, Path(max_length=31)], caller: OptionalUser) -> dict[str, Any]:
    """A public profile by @handle (an old handle given up in the last 30 days still finds its owner)."""
    return ok(await run_sync(profiles.profile_by_handle, viewer=caller, handle=handle), "Profile")


@users.get(
    "/{user_id}",
    response_model=Envelope[PublicProfileOut],
    response_model_exclude_unset=True,
    responses=error_responses(404, 422),
)
async def profile_by_id(user_id: uuid.UUID, caller: OptionalUser) -> dict[str, Any]:
    """A public profile; what the person's privacy hides from the caller is absent."""
    return ok(await run_sync(profiles.public_profile, viewer=caller, user_id=user_id), "Profile")


@users.get("/{user_id}/friends", response_model=ListEnvelope[PersonCardOut], responses=error_responses(403, 404, 422))
async def friends_of(user_id: uuid.UUID, page: PageParams, caller: OptionalUser) -> dict[str, Any]:
    """Someone's friends, when their privacy settings let the caller see them."""
    return await run_page(lists.friends_of, page, "Friends", viewer=caller, user_id=user_id)


@users.get("/{user_id}/mutual-friends", response_model=ListEnvelope[PersonCardOut], responses=PERSON_ERRORS)
async def mutual_friends(user_id: uuid.UUID, page: PageParams, caller: CurrentUser) -> dict[str, Any]:
    """Friends the caller and this person have in common."""
    return await run_page(lists.mutual_friends, page, "Mutual friends", viewer=caller, user_id=user_id)


@users.get("/{user_id}/followers", response_model=ListEnvelope[PersonCardOut], responses=error_responses(403, 404, 422))
async def followers_of(user_id: uuid.UUID, page: PageParams, caller: OptionalUser) -> dict[str, Any]:
    """Someone's followers (hidden on a private profile from people who don't follow it)."""
    return await run_page(lists.followers_of, page, "Followers", viewer=caller, user_id=user_id)


@users.get("/{user_id}/following", response_model=ListEnvelope[PersonCardOut], responses=error_responses(403, 404, 422))
async def following_of(user_id: uuid.UUID, page: PageParams, caller: OptionalUser) -> dict[str, Any]:
    """Who someone follows (hidden on a private profile from people who don't follow it)."""
    return await run_page(lists.following_of, page, "Following", viewer=caller, user_id=user_id)


@me.get("/suggestions", response_model=ListEnvelope[SuggestionOut], responses=LIST_ERRORS)
async def suggestions(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """People you may know, each with the reason ("3 mutual friends", "Both went to ...")."""
    return await run_page(discovery.people_suggestions, page, "People you may know", viewer=caller)


# ---------------------------------------------------------------- friends


@me.get("/friends", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_friends(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The caller's friends, by name."""
    return await run_page(lists.my_friends, page, "Friends", user=caller)


@me.delete("/friends/{user_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def unfriend(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Unfriend someone (follows stay as they are)."""
    await run_sync(friends.friendship_end, user=caller, friend_id=user_id)
    return ok(None, "Unfriended")


@me.get("/friend-requests", response_model=ListEnvelope[FriendRequestOut], responses=LIST_ERRORS)
async def my_friend_requests(
    caller: CurrentUser, page: PageParams, direction: Literal["incoming", "outgoing"] = "incoming"
) -> dict[str, Any]:
    """Pending friend requests to the caller (incoming) or from the caller (outgoing), newest first."""
    return await run_page(lists.my_friend_requests, page, "Friend requests", user=caller, direction=direction)


@me.post("/friend-requests", response_model=Envelope[FriendRequestSentOut], status_code=201, responses=PERSON_ERRORS)
async def friend_request_send(body: UserRefIn, caller: CurrentUser) -> dict[str, Any]:
    """Ask someone to be friends; if they already asked you, you are friends at once."""
    result = await run_sync(friends.friend_request_send, user=caller, to_user_id=body.user_id)
    data = {"request_id": result.request.id, "status": result.request.status, "became_friends": result.became_friends}
    return ok(data, "You are friends now" if result.became_friends else "Friend request sent")


@me.post("/friend-requests/{request_id}/accept", response_model=Envelope[None], responses=PERSON_ERRORS)
async def friend_request_accept(request_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Accept a friend request sent to the caller."""
    await run_sync(friends.friend_request_accept, user=caller, request_id=request_id)
    return ok(None, "You are friends now")


@me.post("/friend-requests/{request_id}/decline", response_model=Envelope[None], responses=PERSON_ERRORS)
async def friend_request_decline(request_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Decline a friend request sent to the caller (the sender is not told)."""
    await run_sync(friends.friend_request_decline, user=caller, request_id=request_id)
    return ok(None, "Request declined")


@me.delete("/friend-requests/{request_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def friend_request_cancel(request_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Withdraw a friend request the caller sent."""
    await run_sync(friends.friend_request_cancel, user=caller, request_id=request_id)
    return ok(None, "Request withdrawn")


# ---------------------------------------------------------------- follows


@me.get("/following", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_following(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """People the caller follows."""
    return await run_page(lists.my_following, page, "Following", user=caller)


@me.post("/following", response_model=Envelope[FollowOut], status_code=201, responses=PERSON_ERRORS)
async def follow(body: UserRefIn, caller: CurrentUser) -> dict[str, Any]:
    """Follow someone: at once on a public profile, as a request on a private one."""
    made = await run_sync(follows.follow_create, user=caller, followee_id=body.user_id)
    message = "Follow requested" if made.status == "pending" else "Following"
    return ok({"user_id": made.followee_id, "status": made.status}, message)


@me.delete("/following/{user_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def unfollow(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Unfollow someone (or withdraw a follow request)."""
    await run_sync(follows.follow_remove, user=caller, followee_id=user_id)
    return ok(None, "Unfollowed")


@me.get("/followers", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_followers(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """The caller's followers."""
    return await run_page(lists.my_followers, page, "Followers", user=caller)


@me.delete("/followers/{user_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def remove_follower(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Remove someone from the caller's followers (they are not told)."""
    await run_sync(follows.follower_remove, user=caller, follower_id=user_id)
    return ok(None, "Follower removed")


@me.get("/follow-requests", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_follow_requests(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """People waiting for the caller's approval to follow a private profile."""
    return await run_page(lists.my_follow_requests, page, "Follow requests", user=caller)


@me.post("/follow-requests/{user_id}/approve", response_model=Envelope[FollowOut], responses=PERSON_ERRORS)
async def follow_request_approve(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Let someone follow the caller's private profile."""
    made = await run_sync(follows.follow_request_approve, user=caller, follower_id=user_id)
    return ok({"user_id": made.follower_id, "status": made.status}, "Follow approved")


@me.post("/follow-requests/{user_id}/decline", response_model=Envelope[None], responses=PERSON_ERRORS)
async def follow_request_decline(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Refuse a follow request."""
    await run_sync(follows.follow_request_decline, user=caller, follower_id=user_id)
    return ok(None, "Follow request declined")


# ---------------------------------------------------------------- blocks and mutes


@me.get("/blocks", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_blocks(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """People the caller blocked."""
    return await run_page(lists.my_blocks, page, "Blocked", user=caller)


@me.post("/blocks", response_model=Envelope[None], status_code=201, responses=PERSON_ERRORS)
async def block(body: UserRefIn, caller: CurrentUser) -> dict[str, Any]:
    """Block someone: friendship, follows and requests between you end; each is hidden from the other."""
    await run_sync(blocks.block_create, user=caller, blocked_id=body.user_id)
    return ok(None, "Blocked")


@me.delete("/blocks/{user_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def unblock(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Unblock someone; nothing the block ended comes back."""
    await run_sync(blocks.block_remove, user=caller, blocked_id=user_id)
    return ok(None, "Unblocked")


@me.get("/mutes", response_model=ListEnvelope[PersonCardOut], responses=LIST_ERRORS)
async def my_mutes(caller: CurrentUser, page: PageParams) -> dict[str, Any]:
    """People the caller muted."""
    return await run_page(lists.my_mutes, page, "Muted", user=caller)


@me.post("/mutes", response_model=Envelope[None], status_code=201, responses=PERSON_ERRORS)
async def mute(body: UserRefIn, caller: CurrentUser) -> dict[str, Any]:
    """Mute someone: their content is hidden from the caller; they are not told."""
    await run_sync(blocks.mute_create, user=caller, muted_id=body.user_id)
    return ok(None, "Muted")


@me.delete("/mutes/{user_id}", response_model=Envelope[None], responses=PERSON_ERRORS)
async def unmute(user_id: uuid.UUID, caller: CurrentUser) -> dict[str, Any]:
    """Unmute someone."""
    await run_sync(blocks.mute_remove, user=caller, muted_id=user_id)
    return ok(None, "Unmuted")


# ---------------------------------------------------------------- privacy, handle, social profile


@me.get("/privacy", response_model=Envelope[PrivacyOut], responses=error_responses(401, 403))
async def privacy_get(caller: CurrentUser) -> dict[str, Any]:
    """The caller's privacy settings."""
    return ok(await run_sync(profiles.my_privacy, user=caller), "Privacy settings")


# The one idiom (issue 20): a write answered with what it wrote calls one of these in its one `run_sync`.


def privacy_update_and_read(*, user: User, changes: dict[str, Any]) -> dict[str, Any]:
    """Change privacy settings, then read them back."""
    profile.privacy_update(user=user, changes=changes)
    return profiles.my_privacy(user=user)


def social_profile_update_and_read(*, user: User, changes: profile.ProfileChanges) -> dict[str, Any]:
    """Change the social profile, then read it back."""
    profile.social_profile_update(user=user, changes=changes)
    return profiles.my_social_profile(user=user)


def handle_set_and_read(*, user: User, handle: str) -> dict[str, Any]:
    """Claim or change the handle, then read the social profile back."""
    profile.handle_set(user=user, handle=handle)
    return profiles.my_social_profile(user=user)


@me.patch("/privacy", response_model=Envelope[PrivacyOut], responses=error_responses(401, 403, 422))
async def privacy_update(body: PrivacyIn, caller: CurrentUser) -> dict[str, Any]:
    """Change privacy settings (only the fields sent); a profile made public lets waiting followers in."""
    changes = body.model_dump(exclude_unset=True, exclude_none=True)

    return ok(await run_sync(privacy_update_and_read, user=caller, changes=changes), "Privacy settings saved")


@me.get("/social-profile", response_model=Envelope[SocialProfileOut], responses=error_responses(401, 403))
async def social_profile_get(caller: CurrentUser) -> dict[str, Any]:
    """The caller's handle, city, cover picture and links."""
    return ok(await run_sync(profiles.my_social_profile, user=caller), "Profile")


@me.patch("/social-profile", response_model=Envelope[SocialProfileOut], responses=error_responses(401, 403, 422))
async def social_profile_update(body: SocialProfileIn, caller: CurrentUser) -> dict[str, Any]:
    """Change city, cover picture (an upload's id or a URL) and links (only the fields sent)."""
    given = body.model_dump(exclude_unset=True)
    changes = profile.ProfileChanges(
        city=given.get("city") or "",
        cover_url=given.get("cover_url") or "",
        cover_media_id=given.get("cover_media_id"),
        links=given.get("links") or [],
        given=set(given),
    )

    return ok(await run_sync(social_profile_update_and_read, user=caller, changes=changes), "Profile saved")


@me.get("/handle/check", response_model=Envelope[HandleCheckOut], responses=error_responses(401, 403, 422))
async def handle_check(caller: CurrentUser, handle: Annotated[str, Query(min_length=1, max_length=31)]) -> dict:
    """Whether the caller could take a handle now."""
    return ok(await run_sync(profiles.handle_check, user=caller, handle=handle), "Handle")


@me.put("/handle", response_model=Envelope[SocialProfileOut], responses=error_responses(400, 401, 403, 409, 422))
async def handle_set(body: HandleIn, caller: CurrentUser) -> dict[str, Any]:
    """Claim or change the caller's @handle (cooldown between changes; the old one redirects for 30 days)."""

    return ok(await run_sync(handle_set_and_read, user=caller, handle=body.handle), "Handle saved")


# ---------------------------------------------------------------- reports


@report_router.post("", response_model=Envelope[ReportOut], status_code=201, responses=PERSON_ERRORS)
async def report_create(body: ReportIn, caller: CurrentUser) -> dict[str, Any]:
    """Report a person, or their post, comment, story, album photo, message or event, to the moderators."""
    made = await run_sync(
        reports.report_create, user=caller, subject_id=body.user_id, **body.model_dump(exclude={"user_id"})
    )
    data = {
        "id": made.id,
        "category": made.category,
        "target_type": made.target_type,
        "status": made.status,
        "created_at": made.created_at,
    }
    return ok(data, "Thanks, the moderators will look at it")


routers = [users, me, report_router]
