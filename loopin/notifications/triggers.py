"""Every domain trigger: a signal receiver queues a job; the job says who hears what.

Receivers get ids (see loopin.events.signals), store a `TriggerJob` row and queue `notifications.run_trigger`
with its id; each notification of one trigger carries the dedupe key `<key>:<job id>`, so a retried or
swept job never notifies anyone twice, and a job the broker lost is queued again by the sweeper.
One small function per trigger decides the recipients and the context. An order, refund or payout gone
before its job ran is logged and makes nothing; any other failure keeps its error on the job for a retry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F, Q
from django.dispatch import receiver
from django.utils import timezone

from loopin.core.logging import get_logger
from loopin.events import signals as event_signals
from loopin.events.models import (
    CoHost,
    Event,
    EventStatus,
    GuestMessage,
    Invitation,
    JoinRequest,
    WaitlistEntry,
    WaitlistStatus,
)
from loopin.events.selectors.access import host_power_holders
from loopin.notifications.models import TriggerJob
from loopin.notifications.services import notify
from loopin.notifications.signals import trigger_job_created
from loopin.notifications.templates import display_time, template_current
from loopin.payments import signals as payment_signals
from loopin.payments.models import Order, PayoutRequest, Refund
from loopin.tickets import signals as ticket_signals
from loopin.tickets.models import Ticket, TicketStatus

log = get_logger("loopin.notifications.triggers")

TRIGGERS: dict[str, Callable[..., int]] = {}


def trigger(name: str) -> Callable[[Callable[..., int]], Callable[..., int]]:
    def register(fn: Callable[..., int]) -> Callable[..., int]:
        TRIGGERS[name] = fn
        return fn

    return register


def trigger_run(name: str, *, trigger_id: str, **kwargs: Any) -> int:
    """Run one trigger; returns how many notifications it made."""
    return TRIGGERS[name](trigger_id=trigger_id, **kwargs)


# A job that failed this many times is left for staff to look at (its last error is kept).
MAX_TRIGGER_ATTEMPTS = 5


def trigger_job_run(*, job_id: Any) -> int:
    """Run a stored trigger job once it is due; a finished job is not run again."""
    job = TriggerJob.objects.filter(id=job_id, done_at__isnull=True).first()
    if job is None:
        return 0
    TriggerJob.objects.filter(id=job.id).update(attempts=F("attempts") + 1)
    try:
        made = trigger_run(job.name, trigger_id=job.id.hex, **job.payload)
    except Exception as exc:
        TriggerJob.objects.filter(id=job.id).update(last_error=f"{type(exc).__name__}: {exc}"[:255])
        raise
    TriggerJob.objects.filter(id=job.id).update(done_at=timezone.now(), made=made, last_error="")
    return made


def trigger_jobs_sweep(*, limit: int = 200) -> int:
    """Queue again the trigger jobs not done 10 minutes on (the broker was down, a worker died); drop old done ones."""
    now = timezone.now()
    stuck = TriggerJob.objects.filter(
        done_at__isnull=True,
        attempts__lt=MAX_TRIGGER_ATTEMPTS,
        created_at__lt=now - timedelta(minutes=10),
        created_at__gt=now - timedelta(days=1),
    ).order_by("created_at")
    ids = list(stuck.values_list("id", flat=True)[:limit])
    for job_id in ids:
        _dispatch(job_id)
    # Finished jobs are kept a month for staff to look at; notifications keep their own dedupe keys.
    TriggerJob.objects.filter(done_at__lt=now - timedelta(days=30)).delete()
    return len(ids)


def _dispatch(job_id: Any) -> None:
    trigger_job_created.send(sender=TriggerJob, job_id=job_id)


def _queue(name: str, **kwargs: Any) -> None:
    payload = {k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in kwargs.items()}
    job = TriggerJob.objects.create(name=name, payload=payload)
    _dispatch(job.id)


def _send_all(user_ids: Iterable[Any], key: str, trigger_id: str, context: dict[str, Any], **kw: Any) -> int:
    template = template_current(key)  # once for every recipient (a cancelled event tells hundreds)
    if template is None:
        return 0
    made = 0
    for user_id in dict.fromkeys(user_ids):  # each person once, in order
        if notify(user_id=user_id, key=key, context=context, dedupe_key=f"{key}:{trigger_id}", template=template, **kw):
            made += 1
    return made


def _money(amount: Any, currency: str | None) -> str:
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    return f"{currency or 'INR'} {value}"


def _event_context(event: Any) -> dict[str, Any]:
    return {
        "event_title": event.title,
        "event_start": display_time(event.start_at),
        "event_time": display_time(event.start_at).split(", ")[-1],
        "location": event.location_text or (event.venue.name if event.venue_id else "") or event.city,
        "host_name": event.host.name,
    }


def attendee_user_ids(event_id: Any, *, including_cancelled_by: str | None = None) -> list[Any]:
    """People with a valid ticket (and, for a cancelled event, those whose ticket it voided or refunded)."""

    condition = Q(status=TicketStatus.VALID)
    if including_cancelled_by:
        # Free tickets are cancelled by the event's cancellation, paid ones refunded (payments' receiver).
        voided = [TicketStatus.CANCELLED, TicketStatus.REFUNDED]
        condition |= Q(status__in=voided, cancel_reason=including_cancelled_by)
    return list(
        Ticket.objects.filter(condition, event_id=event_id).order_by("issued_at").values_list("user_id", flat=True)
    )


# --- events and tickets ---


@trigger("join_request.received")
def join_request_received(*, trigger_id: str, request_id: str) -> int:

    req = JoinRequest.objects.select_related("event__host", "event__venue", "user").get(id=request_id)
    context = {**_event_context(req.event), "requester_name": req.user.name, "seats": req.seats_requested}
    return _send_all(
        sorted(host_power_holders(req.event, "decide")),  # an organisation's event: every member who decides
        "join_request.received",
        trigger_id,
        context,
        object_type="join_request",
        object_id=req.id,
        data={"event_id": str(req.event_id)},
    )


@trigger("join_request.decided")
def join_request_decided(*, trigger_id: str, request_id: str, decision: str) -> int:

    if decision not in ("accepted", "declined"):
        return 0
    req = JoinRequest.objects.select_related("event__host", "event__venue").get(id=request_id)
    context = {**_event_context(req.event), "host_message": req.host_message}
    return _send_all(
        [req.user_id],
        f"join_request.{decision}",
        trigger_id,
        context,
        object_type="event",
        object_id=req.event_id,
        data={"request_id": str(req.id)},
    )


@trigger("waitlist.offered")
def waitlist_offered(*, trigger_id: str, entry_id: str) -> int:

    entry = WaitlistEntry.objects.select_related("event__host", "event__venue", "tier").get(id=entry_id)
    if entry.status != WaitlistStatus.OFFERED:
        return 0  # taken or passed on before the job ran
    context = {
        **_event_context(entry.event),
        "tier_name": entry.tier.name,
        "offer_expires": display_time(entry.offer_expires_at),
    }
    return _send_all(
        [entry.user_id],
        "waitlist.offered",
        trigger_id,
        context,
        object_type="event",
        object_id=entry.event_id,
        data={"event_id": str(entry.event_id), "tier_id": str(entry.tier_id), "waitlist_entry_id": str(entry.id)},
    )


@trigger("invitation.received")
def invitation_received(*, trigger_id: str, invitation_id: str) -> int:

    inv = Invitation.objects.select_related("event__host", "event__venue", "invited_by").get(id=invitation_id)
    context = {**_event_context(inv.event), "inviter_name": inv.invited_by.name, "message": inv.message}
    return _send_all(
        [inv.invitee_id],
        "invitation.received",
        trigger_id,
        context,
        object_type="invitation",
        object_id=inv.id,
        data={"event_id": str(inv.event_id)},
    )


@trigger("ticket.confirmed")
def ticket_confirmed(*, trigger_id: str, ticket_id: str) -> int:

    ticket = Ticket.objects.select_related("event__host", "event__venue").get(id=ticket_id)
    if ticket.status != TicketStatus.VALID:
        return 0
    context = {**_event_context(ticket.event), "ticket_code": ticket.code, "seats": ticket.seats}
    return _send_all(
        [ticket.user_id],
        "ticket.confirmed",
        trigger_id,
        context,
        object_type="ticket",
        object_id=ticket.id,
        data={"event_id": str(ticket.event_id)},
    )


@trigger("co_host.invited")
def co_host_invited(*, trigger_id: str, co_host_id: str) -> int:

    row = CoHost.objects.select_related("event__host", "event__venue", "added_by").filter(id=co_host_id).first()
    if row is None or row.accepted_at is not None:
        return 0  # declined, removed or already accepted before the job ran
    inviter = row.added_by.name if row.added_by is not None else row.event.host.name
    return _send_all(
        [row.user_id],
        "co_host.invited",
        trigger_id,
        {**_event_context(row.event), "inviter_name": inviter},
        object_type="event",
        object_id=row.event_id,
        data={"event_id": str(row.event_id), "co_host": True},
    )


def guest_message_recipients(message: GuestMessage) -> list[Any]:
    """Whoever holds a valid ticket of the event (of the message's tier, when it names one), but the sender."""
    tickets = Ticket.objects.filter(event_id=message.event_id, status=TicketStatus.VALID)
    if message.tier_id is not None:
        tickets = tickets.filter(tier_id=message.tier_id)
    return [u for u in tickets.order_by("issued_at").values_list("user_id", flat=True) if u != message.sender_id]


@trigger("guest_message.sent")
def guest_message_sent(*, trigger_id: str, message_id: str) -> int:

    message = GuestMessage.objects.select_related("event__host", "event__venue", "sender").filter(id=message_id).first()
    if message is None:
        return 0
    sender = message.sender.name if message.sender is not None else message.event.host.name
    context = {**_event_context(message.event), "sender_name": sender, "message": message.body}
    return _send_all(
        guest_message_recipients(message),
        "guest_message.sent",
        trigger_id,
        context,
        object_type="event",
        object_id=message.event_id,
        data={"event_id": str(message.event_id), "message_id": str(message.id)},
    )


CHANGE_LABELS = {
    "start_at": "new time",
    "end_at": "new end time",
    "venue_id": "new venue",
    "location_text": "new place",
}


@trigger("event.updated")
def event_updated(*, trigger_id: str, event_id: str, changes: dict[str, Any]) -> int:

    event = Event.objects.select_related("host", "venue").get(id=event_id)
    labels = [CHANGE_LABELS[name] for name in CHANGE_LABELS if name in changes]
    if "start_at" in changes:
        labels = [f"new time ({display_time(event.start_at)})", *(x for x in labels if "time" not in x)]
    if "new venue" in labels:
        labels = [x for x in labels if x != "new place"]  # a venue brings its own place: say it once
    elif "city" in changes:
        labels.append("new city")
    summary = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
    context = {**_event_context(event), "change_summary": summary}
    recipients = [u for u in attendee_user_ids(event.id) if u != event.host_id]
    return _send_all(
        recipients,
        "event.updated",
        trigger_id,
        context,
        object_type="event",
        object_id=event.id,
        data={"changes": sorted(changes)},
    )


@trigger("event.status_changed")
def event_status_changed(*, trigger_id: str, event_id: str, old: str, new: str, reason: str = "") -> int:

    if new in (EventStatus.POSTPONED, EventStatus.CANCELLED):
        key = f"event.{new}"
    elif old == EventStatus.POSTPONED and new == EventStatus.PUBLISHED:
        key = "event.republished"  # a postponed event is back on (often at a new time)
    else:
        return 0
    event = Event.objects.select_related("host", "venue").get(id=event_id)
    voided_by = "event_cancelled" if new == EventStatus.CANCELLED else None
    recipients = [u for u in attendee_user_ids(event.id, including_cancelled_by=voided_by) if u != event.host_id]
    context = {**_event_context(event), "reason": reason}
    return _send_all(recipients, key, trigger_id, context, object_type="event", object_id=event.id)


@trigger("checkin.opened")
def checkin_opened(*, trigger_id: str, event_id: str) -> int:

    event = Event.objects.select_related("host", "venue").get(id=event_id)
    recipients = [u for u in attendee_user_ids(event.id) if u != event.host_id]
    return _send_all(
        recipients, "checkin.opened", trigger_id, _event_context(event), object_type="event", object_id=event.id
    )


# --- payments ---


def order_notice(order: Any) -> tuple[Any, dict[str, Any]]:
    """Who hears about an order (its buyer) and the context: event, amount."""
    context = _event_context(order.event)
    context["amount"] = _money(order.total, order.currency)
    return order.user_id, context


def refund_notice(refund: Any) -> tuple[Any, dict[str, Any]]:
    """Who hears about a refund (the buyer) and the context: event, the amount refunded."""
    user_id, context = order_notice(refund.order)
    context["amount"] = _money(refund.amount, refund.order.currency)
    return user_id, context


def payout_notice(payout: Any, new: str) -> tuple[Any, dict[str, Any]]:
    """Who hears about a payout (its host) and the context: amount and the new status."""
    return payout.host_id, {"amount": _money(payout.amount, payout.currency), "status": str(new).replace("_", " ")}


@trigger("payment.succeeded")
def payment_succeeded(*, trigger_id: str, order_id: str) -> int:
    return _order_trigger("payment.succeeded", trigger_id, order_id)


@trigger("payment.failed")
def payment_failed(*, trigger_id: str, order_id: str) -> int:
    return _order_trigger("payment.failed", trigger_id, order_id)


def _order_trigger(key: str, trigger_id: str, order_id: str) -> int:

    order = Order.objects.select_related("event__host", "event__venue").filter(id=order_id).first()
    if order is None:
        log.warning("trigger_object_missing", trigger=key, order_id=order_id)
        return 0
    user_id, context = order_notice(order)
    return _send_all([user_id], key, trigger_id, context, object_type="order", object_id=order.pk)


@trigger("refund.processed")
def refund_processed(*, trigger_id: str, refund_id: str) -> int:

    refund = Refund.objects.select_related("order__event__host", "order__event__venue").filter(id=refund_id).first()
    if refund is None:
        log.warning("trigger_object_missing", trigger="refund.processed", refund_id=refund_id)
        return 0
    user_id, context = refund_notice(refund)
    return _send_all([user_id], "refund.processed", trigger_id, context, object_type="refund", object_id=refund.pk)


@trigger("payout.status_changed")
def payout_status_changed(*, trigger_id: str, payout_id: str, old: str, new: str) -> int:

    payout = PayoutRequest.objects.filter(id=payout_id).first()
    if payout is None:
        log.warning("trigger_object_missing", trigger="payout.status_changed", payout_id=payout_id)
        return 0
    user_id, context = payout_notice(payout, new)
    return _send_all([user_id], "payout.status_changed", trigger_id, context, object_type="payout", object_id=payout.pk)


# --- receivers: ids in, a job out ---


@receiver(event_signals.join_request_created, dispatch_uid="notifications.join_request_created")
def _on_join_request_created(sender: Any, request_id: Any, **kwargs: Any) -> None:
    _queue("join_request.received", request_id=request_id)


@receiver(event_signals.join_request_decided, dispatch_uid="notifications.join_request_decided")
def _on_join_request_decided(sender: Any, request_id: Any, decision: str, **kwargs: Any) -> None:
    _queue("join_request.decided", request_id=request_id, decision=decision)


@receiver(event_signals.waitlist_offered, dispatch_uid="notifications.waitlist_offered")
def _on_waitlist_offered(sender: Any, entry_id: Any, **kwargs: Any) -> None:
    _queue("waitlist.offered", entry_id=entry_id)


@receiver(event_signals.invitation_created, dispatch_uid="notifications.invitation_created")
def _on_invitation_created(sender: Any, invitation_id: Any, **kwargs: Any) -> None:
    _queue("invitation.received", invitation_id=invitation_id)


@receiver(event_signals.co_host_invited, dispatch_uid="notifications.co_host_invited")
def _on_co_host_invited(sender: Any, co_host_id: Any, **kwargs: Any) -> None:
    _queue("co_host.invited", co_host_id=co_host_id)


@receiver(event_signals.guest_message_sent, dispatch_uid="notifications.guest_message_sent")
def _on_guest_message_sent(sender: Any, message_id: Any, **kwargs: Any) -> None:
    _queue("guest_message.sent", message_id=message_id)


@receiver(event_signals.ticket_issued, dispatch_uid="notifications.ticket_issued")
def _on_ticket_issued(sender: Any, ticket_id: Any, **kwargs: Any) -> None:
    _queue("ticket.confirmed", ticket_id=ticket_id)


@receiver(event_signals.event_updated, dispatch_uid="notifications.event_updated")
def _on_event_updated(sender: Any, event_id: Any, changes: dict[str, Any], **kwargs: Any) -> None:
    _queue("event.updated", event_id=event_id, changes=changes)


@receiver(event_signals.event_status_changed, dispatch_uid="notifications.event_status_changed")
def _on_event_status_changed(sender: Any, event_id: Any, old: str, new: str, reason: str = "", **kw: Any) -> None:
    _queue("event.status_changed", event_id=event_id, old=str(old), new=str(new), reason=reason)


@receiver(ticket_signals.checkin_opened, dispatch_uid="notifications.checkin_opened")
def _on_checkin_opened(sender: Any, event_id: Any, **kwargs: Any) -> None:
    _queue("checkin.opened", event_id=event_id)


@receiver(payment_signals.payment_succeeded, dispatch_uid="notifications.payment_succeeded")
def _on_payment_succeeded(sender: Any, order_id: Any, **kwargs: Any) -> None:
    _queue("payment.succeeded", order_id=order_id)


@receiver(payment_signals.payment_failed, dispatch_uid="notifications.payment_failed")
def _on_payment_failed(sender: Any, order_id: Any, **kwargs: Any) -> None:
    _queue("payment.failed", order_id=order_id)


@receiver(payment_signals.refund_processed, dispatch_uid="notifications.refund_processed")
def _on_refund_processed(sender: Any, refund_id: Any, **kwargs: Any) -> None:
    _queue("refund.processed", refund_id=refund_id)


@receiver(payment_signals.payout_status_changed, dispatch_uid="notifications.payout_status_changed")
def _on_payout_status_changed(sender: Any, payout_id: Any, old: str, new: str, **kwargs: Any) -> None:
    _queue("payout.status_changed", payout_id=payout_id, old=str(old), new=str(new))
