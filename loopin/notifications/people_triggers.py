"""Triggers of the people domain: friend requests, acceptances, new followers, follow requests, warnings,
content taken down and posting suspended.

Same machinery as `triggers` (a stored job per signal, dedupe keys per job); push follows the person's
"people" category preference. Someone blocked or gone before the job ran hears nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.dispatch import receiver

from loopin.notifications.templates import display_time
from loopin.notifications.triggers import _queue, _send_all, log, trigger
from loopin.people import signals as people_signals
from loopin.people.models import Follow, FollowStatus, FriendRequest, FriendRequestStatus, PostingSuspension, Report
from loopin.people.selectors import is_blocked_between


@trigger("friend_request.received")
def friend_request_received(*, trigger_id: str, request_id: str) -> int:
    req = FriendRequest.objects.select_related("from_user").filter(id=request_id).first()
    if req is None or req.status != FriendRequestStatus.PENDING:
        return 0  # withdrawn, declined or ended by a block before the job ran
    context = {"sender_name": req.from_user.name}
    return _send_all(
        [req.to_user_id],
        "friend_request.received",
        trigger_id,
        context,
        object_type="friend_request",
        object_id=req.id,
        data={"user_id": str(req.from_user_id)},
    )


@trigger("friend_request.accepted")
def friend_request_accepted(*, trigger_id: str, request_id: str) -> int:
    req = FriendRequest.objects.select_related("to_user").filter(id=request_id).first()
    if req is None or is_blocked_between(req.from_user_id, req.to_user_id):
        return 0
    return _send_all(
        [req.from_user_id],
        "friend_request.accepted",
        trigger_id,
        {"friend_name": req.to_user.name},
        object_type="user",
        object_id=req.to_user_id,
    )


@trigger("follow.created")
def follow_created(*, trigger_id: str, follow_id: str) -> int:
    follow = Follow.objects.select_related("follower").filter(id=follow_id).first()
    if follow is None:
        log.info("trigger_object_missing", trigger="follow.created", follow_id=follow_id)
        return 0
    key = "follower.new" if follow.status == FollowStatus.ACTIVE else "follow.requested"
    return _send_all(
        [follow.followee_id],
        key,
        trigger_id,
        {"follower_name": follow.follower.name},
        object_type="user",
        object_id=follow.follower_id,
    )


@trigger("account.warning")
def account_warning(*, trigger_id: str, report_id: str) -> int:
    report = Report.objects.filter(id=report_id).first()
    if report is None:
        return 0
    return _send_all(
        [report.subject_id],
        "account.warning",
        trigger_id,
        {"category": report.get_category_display().lower()},
        object_type="account",
        object_id=report.subject_id,
    )


@trigger("content.taken_down")
def content_taken_down(*, trigger_id: str, report_id: str) -> int:
    report = Report.objects.filter(id=report_id).first()
    if report is None:
        return 0
    return _send_all(
        [report.subject_id],
        "content.taken_down",
        trigger_id,
        {"content_kind": report.get_target_type_display().lower(), "category": report.get_category_display().lower()},
        object_type=report.target_type,
        object_id=report.target_id,
    )


@trigger("posting.suspended")
def posting_suspended(*, trigger_id: str, user_id: str) -> int:
    suspension = PostingSuspension.objects.filter(user_id=user_id).first()
    if suspension is None:
        return 0
    return _send_all(
        [suspension.user_id],
        "posting.suspended",
        trigger_id,
        {"until": display_time(suspension.until)},
        object_type="account",
        object_id=suspension.user_id,
        data={"until": suspension.until.isoformat()},
    )


@receiver(people_signals.friend_request_sent, dispatch_uid="notifications.friend_request_sent")
def _on_friend_request_sent(sender: Any, request_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("friend_request.received", request_id=request_id)


@receiver(people_signals.friend_request_accepted, dispatch_uid="notifications.friend_request_accepted")
def _on_friend_request_accepted(sender: Any, request_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("friend_request.accepted", request_id=request_id)


@receiver(people_signals.user_followed, dispatch_uid="notifications.user_followed")
def _on_user_followed(sender: Any, follow_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("follow.created", follow_id=follow_id)


@receiver(people_signals.follow_requested, dispatch_uid="notifications.follow_requested")
def _on_follow_requested(sender: Any, follow_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("follow.created", follow_id=follow_id)


@receiver(people_signals.user_warned, dispatch_uid="notifications.user_warned")
def _on_user_warned(sender: Any, report_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("account.warning", report_id=report_id)


@receiver(people_signals.content_taken_down, dispatch_uid="notifications.content_taken_down")
def _on_content_taken_down(sender: Any, report_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("content.taken_down", report_id=report_id)


@receiver(people_signals.posting_suspended, dispatch_uid="notifications.posting_suspended")
def _on_posting_suspended(sender: Any, user_id: uuid.UUID, **kwargs: Any) -> None:
    _queue("posting.suspended", user_id=user_id)
