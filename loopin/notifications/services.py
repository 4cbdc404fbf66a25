"""Writes for notifications: creating them, pushing them to devices once, devices, reads and preferences."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import NotFound, ValidationFailed
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.notifications.error_codes import NotificationErrorCode
from loopin.notifications.models import (
    Campaign,
    Category,
    Delivery,
    Device,
    Notification,
    NotificationTemplate,
    Preference,
)
from loopin.notifications.push import PushError, PushMessage, get_push_backend
from loopin.notifications.schemas import NotificationOut
from loopin.notifications.selectors import notification_out, preferences_of
from loopin.notifications.signals import push_requested
from loopin.notifications.templates import render, template_current
from loopin.realtime import emit, user_room

log = get_logger("loopin.notifications")

# A delivery claimed by a worker that died mid-send may be taken over after this long.
STALE_CLAIM = timedelta(minutes=5)


# --- creating notifications ---


def push_enabled(*, user_id: uuid.UUID, category: str) -> bool:
    row = Preference.objects.filter(user_id=user_id, category=category).values_list("push_enabled", flat=True).first()
    return True if row is None else bool(row)


def notify(
    *,
    user_id: uuid.UUID,
    key: str,
    context: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: uuid.UUID | str = "",
    data: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    campaign: Campaign | None = None,
    template: NotificationTemplate | None = None,
) -> Notification | None:
    """Put one notification in a person's centre and queue its push (after commit).

    With `dedupe_key`, the same key never notifies the same person twice (None is returned then).
    Deleted or deactivated people are not notified.
    """
    if not User.objects.alive().filter(id=user_id, is_active=True).exists():
        return None
    template = template or template_current(key)
    if template is None:
        return None
    text = render(template, context or {})
    wants_push = push_enabled(user_id=user_id, category=template.category)
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user_id=user_id,
                type=key,
                category=template.category,
                title=text.title,
                body=text.body,
                object_type=object_type,
                object_id=str(object_id or ""),
                screen=template.screen,
                data=data or {},
                template=template,
                campaign=campaign,
                dedupe_key=dedupe_key,
                push_requested=wants_push,
            )
    except IntegrityError:
        if dedupe_key and Notification.objects.filter(user_id=user_id, dedupe_key=dedupe_key).exists():
            return None
        raise
    if wants_push:
        # robust: a broker outage must not fail the caller's request; the sweeper queues it later.
        transaction.on_commit(lambda: _queue_push(notification.id), robust=True)
    transaction.on_commit(lambda: _emit_live(notification), robust=True)
    return notification


def _emit_live(notification: Notification) -> None:
    """The person's open sockets get every stored notification at once (`notification` event)."""
    payload = NotificationOut.model_validate(notification_out(notification)).model_dump(mode="json")
    emit(user_room(notification.user_id), "notification", payload)


def notify_aggregated(
    *,
    user_id: uuid.UUID,
    key: str,
    object_type: str,
    object_id: uuid.UUID,
    context: dict[str, Any],
    data: dict[str, Any],
) -> Notification | None:
    """One unread notification per (person, key, object) that grows ("Asha and 4 others liked your post"):
    an unread one is re-worded in place and moves to the top (no second push); otherwise a new one."""
    existing = (
        Notification.objects.filter(
            user_id=user_id, type=key, object_type=object_type, object_id=str(object_id), read_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )
    if existing is None or existing.template is None:
        return notify(
            user_id=user_id, key=key, context=context, object_type=object_type, object_id=object_id, data=data
        )
    text = render(existing.template, context)
    Notification.objects.filter(id=existing.id).update(
        title=text.title, body=text.body, data=data, created_at=timezone.now()
    )
    return existing


def _queue_push(notification_id: uuid.UUID) -> None:
    push_requested.send(sender=Notification, notification_id=notification_id)


# --- pushing ---


def _claim(delivery: Delivery) -> bool:
    """Take a delivery for sending; of two workers only one wins (a conditional update is the lock)."""
    now = timezone.now()
    claimable = Q(status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING]) | Q(
        status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    return bool(
        Delivery.objects.filter(claimable, id=delivery.id).update(
            status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, updated_at=now
        )
    )


def _finish(delivery: Delivery, status: str, **fields: Any) -> None:
    Delivery.objects.filter(id=delivery.id).update(status=status, updated_at=timezone.now(), **fields)


def device_deactivate(*, device_id: uuid.UUID, reason: str) -> None:
    Device.objects.filter(id=device_id, is_active=True).update(
        is_active=False, deactivated_at=timezone.now(), deactivation_reason=reason[:64]
    )


def push_deliver(*, notification_id: uuid.UUID | str, final_attempt: bool = False) -> int:  # str from the task
    """Push a notification to each of its person's active devices, once per device.

    Returns how many deliveries are left to retry (0 on a final attempt: those are recorded failed).
    """
    notification = Notification.objects.filter(id=notification_id).first()
    if notification is None or not notification.push_requested:
        return 0
    if notification.push_started_at is None:
        Notification.objects.filter(id=notification.id, push_started_at__isnull=True).update(
            push_started_at=timezone.now()
        )
    for device_id in Device.objects.filter(user_id=notification.user_id, is_active=True).values_list("id", flat=True):
        try:
            with transaction.atomic():
                Delivery.objects.get_or_create(notification=notification, device_id=device_id)
        except IntegrityError:
            pass  # a concurrent worker made it
    message_data = {
        "notification_id": str(notification.id),
        "type": notification.type,
        "screen": notification.screen,
        "object_type": notification.object_type,
        "object_id": notification.object_id,
    }
    left = 0
    for delivery in notification.deliveries.select_related("device").exclude(
        status__in=[Delivery.Status.SENT, Delivery.Status.FAILED, Delivery.Status.INVALID_TOKEN]
    ):
        if not _claim(delivery):
            continue
        # The cap holds per delivery, however many jobs (retries, the sweeper) get to it.
        last_try = final_attempt or delivery.attempts + 1 > get_settings().PUSH_MAX_RETRIES
        device = delivery.device
        if not device.is_active:
            _finish(delivery, Delivery.Status.FAILED, last_error="device inactive")
            continue
        message = PushMessage(
            title=notification.title,
            body=notification.body,
            data=message_data,
            idempotency_key=str(delivery.idempotency_key),
        )
        try:
            provider_id = get_push_backend(device.provider).send(token=device.token, message=message)
        except PushError as exc:
            if exc.invalid_token:
                _finish(delivery, Delivery.Status.INVALID_TOKEN, last_error=str(exc)[:255])
                device_deactivate(device_id=device.id, reason="invalid_token")
            elif exc.permanent or last_try:
                _finish(delivery, Delivery.Status.FAILED, last_error=str(exc)[:255])
                log.warning("push_failed", delivery_id=str(delivery.id), error=str(exc))
            else:
                _finish(delivery, Delivery.Status.RETRYING, last_error=str(exc)[:255])
                left += 1
            continue
        except Exception as exc:  # an unexpected error from a provider SDK is treated as transient
            status = Delivery.Status.FAILED if last_try else Delivery.Status.RETRYING
            _finish(delivery, status, last_error=f"{type(exc).__name__}: {exc}"[:255])
            left += 0 if last_try else 1
            log.error("push_error", delivery_id=str(delivery.id), error=repr(exc))
            continue
        _finish(delivery, Delivery.Status.SENT, provider_message_id=provider_id[:128], sent_at=timezone.now())
    return left


def push_ephemeral(*, user_ids: list[uuid.UUID], message: PushMessage) -> int:
    """Push straight to people's active devices without a centre entry (chat messages); best effort, no retry.

    Returns how many devices took it. A token the provider calls invalid deactivates its device.
    """
    sent = 0
    for device in Device.objects.filter(user_id__in=user_ids, is_active=True):
        try:
            get_push_backend(device.provider).send(token=device.token, message=message)
            sent += 1
        except PushError as exc:
            if exc.invalid_token:
                device_deactivate(device_id=device.id, reason="invalid_token")
            log.info("push_ephemeral_failed", device_id=str(device.id), error=str(exc))
        except Exception as exc:
            log.warning("push_ephemeral_error", device_id=str(device.id), error=repr(exc))
    return sent


def push_sweep(*, limit: int = 500) -> int:
    """Queue pushes a lost job left behind: a worker died mid-send, a retry was lost, or the job was never queued.

    Beat runs this every 5 minutes; the claim and the per-delivery cap keep it from pushing twice or forever.
    """
    now = timezone.now()
    stuck = Delivery.objects.filter(
        Q(status=Delivery.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
        | Q(status__in=[Delivery.Status.PENDING, Delivery.Status.RETRYING], updated_at__lt=now - 3 * STALE_CLAIM)
    )
    ids = list(stuck.order_by().values_list("notification_id", flat=True).distinct()[:limit])
    # Notifications whose push job was never run (the broker was down when it was queued), up to a day old.
    never = Notification.objects.filter(
        push_requested=True,
        push_started_at__isnull=True,
        created_at__lt=now - 2 * STALE_CLAIM,
        created_at__gt=now - timedelta(days=1),
    )
    ids += list(never.order_by("created_at").values_list("id", flat=True)[: max(limit - len(ids), 0)])
    for notification_id in ids:
        _queue_push(notification_id)
    return len(ids)


def notification_resend(*, notification_id: uuid.UUID, by: User) -> Notification:
    """Staff: send a notification again as a new one (a new in-app entry and a fresh push to every device)."""
    with transaction.atomic():
        original = Notification.objects.get(id=notification_id)
        copy = Notification.objects.create(
            user_id=original.user_id,
            type=original.type,
            category=original.category,
            title=original.title,
            body=original.body,
            object_type=original.object_type,
            object_id=original.object_id,
            screen=original.screen,
            data={**original.data, "resent_from": str(original.id)},
            template=original.template,
            push_requested=True,
        )
        audit_record(
            action="notification.resent",
            actor=by,
            obj=copy,
            subject=original.user,
            data={"original_id": str(original.id)},
        )
        transaction.on_commit(lambda: _queue_push(copy.id), robust=True)
    return copy


# --- devices ---


def device_register(*, user: User, provider: str, token: str, platform: str) -> Device:
    """Upsert by token: a token seen before moves to this person and is active again."""
    with transaction.atomic():
        device = Device.objects.select_for_update().filter(token=token).first()
        if device is None:
            try:
                with transaction.atomic():
                    return Device.objects.create(user=user, provider=provider, token=token, platform=platform)
            except IntegrityError:
                device = Device.objects.select_for_update().get(token=token)
        device.user = user
        device.provider = provider
        device.platform = platform
        device.is_active = True
        device.deactivated_at = None
        device.deactivation_reason = ""
        device.save()
    return device


def device_remove(*, user: User, device_id: uuid.UUID) -> None:
    """Stop pushing to one of the caller's devices (e.g. at logout)."""
    device = Device.objects.filter(id=device_id, user=user).first()
    if device is None:
        raise NotFound("Device not found.", code=NotificationErrorCode.DEVICE_NOT_FOUND)
    device_deactivate(device_id=device.id, reason="removed_by_user")


# --- the in-app centre ---


def _own(user: User, notification_id: uuid.UUID) -> Notification:
    notification = Notification.objects.alive().filter(id=notification_id, user=user).first()
    if notification is None:
        raise NotFound("Notification not found.", code=NotificationErrorCode.NOTIFICATION_NOT_FOUND)
    return notification


def notification_mark_read(*, user: User, notification_id: uuid.UUID) -> Notification:
    notification = _own(user, notification_id)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(id=notification.id, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.alive().filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_delete(*, user: User, notification_id: uuid.UUID) -> None:
    """Remove from the centre: hidden at once; the row stays so the same reminder is never sent again."""
    notification = _own(user, notification_id)
    Notification.objects.filter(id=notification.id).update(deleted_at=timezone.now())


# --- preferences ---


def preferences_update(*, user: User, push: dict[str, bool]) -> dict[str, bool]:
    """Switch push on or off per category (only the categories given change)."""
    unknown = sorted(set(push) - set(Category.values))
    if unknown:
        raise ValidationFailed(
            [{"field": f"push.{name}", "code": "UNKNOWN_CATEGORY", "message": "No such category."} for name in unknown]
        )
    with transaction.atomic():
        for category, enabled in push.items():
            Preference.objects.update_or_create(user=user, category=category, defaults={"push_enabled": enabled})
    return preferences_of(user=user)
