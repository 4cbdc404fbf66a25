"""Host payouts: bank accounts (numbers encrypted at rest) and payout requests that staff decide."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Any

from cryptography.fernet import Fernet
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.crypto import derived_fernet
from loopin.core.error_codes import CoreErrorCode
from loopin.core.errors import BusinessRuleError, Conflict, NotFound, PermissionDenied, ValidationFailed
from loopin.core.models import stamp
from loopin.core.settings import get_settings
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event, EventStatus
from loopin.events.selectors.access import holds_host_power
from loopin.events.signals import send_after_commit
from loopin.organisations.models import Organisation
from loopin.payments import signals
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import (
    ACTIVE_PAYOUT,
    EVENT_PAYOUT,
    SETTLED,
    BankAccount,
    Order,
    PayoutRequest,
    PayoutStatus,
    Refund,
    RefundStatus,
    ReversalStatus,
    Settlement,
    SettlementMethod,
    SettlementReversal,
)
from loopin.payments.money import quantize
from loopin.payments.payout_sources import payout_source

IFSC_RE = re.compile(r"^[A-Z]{4}0[A-Z0-9]{6}$")
ACCOUNT_RE = re.compile(r"^\d{8,30}$")


def _fernet() -> Fernet:
    s = get_settings()
    if s.PAYOUT_ENCRYPTION_KEY:
        return Fernet(s.PAYOUT_ENCRYPTION_KEY.encode())
    return derived_fernet(s.SECRET_KEY, "payout bank accounts")


def account_number_encrypt(number: str) -> str:
    return _fernet().encrypt(number.encode()).decode()


def account_number_decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode()).decode()


# ---------------------------------------------------------------- bank accounts


def bank_account_create(
    *, user: User, holder_name: str, bank_name: str, ifsc: str, account_number: str, make_primary: bool = False
) -> BankAccount:
    """Add a payout account; the first one (or one asked to be) becomes primary."""
    fields = bank_account_fields(holder_name=holder_name, bank_name=bank_name, ifsc=ifsc, account_number=account_number)
    with transaction.atomic():
        User.objects.select_for_update().filter(id=user.id).first()  # one primary, even under races
        accounts = BankAccount.objects.filter(user=user, removed_at__isnull=True)
        primary = make_primary or not accounts.exists()
        if primary:
            accounts.filter(is_primary=True).update(is_primary=False)
        account = BankAccount(user=user, is_primary=primary, **fields)
        stamp(account, user, "create")
        account.save()
        audit_record(action="bank_account.added", actor=user, obj=account, data={"last4": account.last4})
    return account


def bank_account_fields(*, holder_name: str, bank_name: str, ifsc: str, account_number: str) -> dict[str, str]:
    """A new account's stored fields (IFSC and number checked, the number encrypted), whoever owns it."""
    ifsc = ifsc.strip().upper()
    number = re.sub(r"[\s-]", "", account_number)
    if not IFSC_RE.match(ifsc):
        raise ValidationFailed.one("ifsc", "INVALID_IFSC", "An IFSC is 4 letters, a 0, then 6 letters or digits.")
    if not ACCOUNT_RE.match(number):
        raise ValidationFailed.one("account_number", "INVALID_ACCOUNT_NUMBER", "An account number is 8 to 30 digits.")
    return {
        "holder_name": holder_name.strip(),
        "bank_name": bank_name.strip(),
        "ifsc": ifsc,
        "account_number_encrypted": account_number_encrypt(number),
        "last4": number[-4:],
    }


def _own_account(user: User, account_id: uuid.UUID) -> BankAccount:
    account = BankAccount.objects.filter(id=account_id, user=user, removed_at__isnull=True).first()
    if account is None:
        raise NotFound("Bank account not found.", code=PaymentErrorCode.BANK_ACCOUNT_NOT_FOUND)
    return account


def bank_account_make_primary(*, user: User, account_id: uuid.UUID) -> BankAccount:
    with transaction.atomic():
        User.objects.select_for_update().filter(id=user.id).first()
        account = _own_account(user, account_id)
        BankAccount.objects.filter(user=user, is_primary=True).exclude(id=account.id).update(is_primary=False)
        account.is_primary = True
        account.save(update_fields=["is_primary", *stamp(account, user, "update")])
        audit_record(action="bank_account.primary", actor=user, obj=account)
    return account


def bank_account_remove(*, user: User, account_id: uuid.UUID) -> None:
    """Remove an account (kept, emptied, for payouts that point to it). Refused while a payout uses it."""
    with transaction.atomic():
        account = _own_account(user, account_id)
        if PayoutRequest.objects.filter(bank_account=account, status__in=ACTIVE_PAYOUT).exists():
            raise Conflict("A payout in progress uses this account.", code=PaymentErrorCode.BANK_ACCOUNT_IN_USE)
        account.removed_at, account.is_primary, account.account_number_encrypted = timezone.now(), False, ""
        account.save(
            update_fields=["removed_at", "is_primary", "account_number_encrypted", *stamp(account, user, "delete")]
        )
        audit_record(action="bank_account.removed", actor=user, obj=account)


# ---------------------------------------------------------------- payouts


def payout_figures(event: Event, host: User | None = None) -> dict[str, Any]:
    """One recipient's balance of an event (the owner when `host` is None): host earnings minus what refunds
    took back, minus earlier payouts.

    Orders paid without a settlement snapshot count wholly for the owner. Orders with one count each
    recipient's manual share (`method=payout`); shares transferred by the provider are never payable here."""
    host_id = event.host_id if host is None else host.id
    owner = host_id == event.host_id
    gross = refunds = Decimal("0")
    if owner:
        plain = Order.objects.filter(event=event, status__in=SETTLED, settlements__isnull=True)
        gross = plain.aggregate(s=Sum("host_earning"))["s"] or Decimal("0")
        refunds = Refund.objects.filter(order__event=event, order__settlements__isnull=True).exclude(
            status=RefundStatus.FAILED
        ).aggregate(s=Sum("host_amount"))["s"] or Decimal("0")
    shares = Settlement.objects.filter(
        order__event=event, order__status__in=SETTLED, recipient_id=host_id, method=SettlementMethod.PAYOUT
    )
    gross += shares.aggregate(s=Sum("amount"))["s"] or Decimal("0")
    refunds += SettlementReversal.objects.filter(settlement__in=shares, status=ReversalStatus.RECORDED).exclude(
        refund__status=RefundStatus.FAILED
    ).aggregate(s=Sum("amount"))["s"] or Decimal("0")
    paid_out = payouts_of_share(event, host_id).filter(status=PayoutStatus.COMPLETED).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal("0")
    valid = Order.objects.filter(event=event, status__in=SETTLED, ticket__status="valid").aggregate(
        n=Count("id"), seats=Sum("seats")
    )
    gross, refunds, paid_out = (quantize(v, event.currency) for v in (gross, refunds, paid_out))
    return {
        "gross_earnings": gross,
        "refunds_total": refunds,
        "previously_paid": paid_out,
        "amount": gross - refunds - paid_out,
        "tickets_sold": valid["n"] or 0,
        "attendees": valid["seats"] or 0,
    }


def payouts_of_share(event: Event, host_id: uuid.UUID) -> QuerySet[PayoutRequest]:
    """The event's payouts of one recipient's share. The owner's share of an organisation's event is paid to the
    organisation (whichever member asked), and counts what its creator was paid before organisations had accounts."""
    payouts = PayoutRequest.objects.filter(event=event)
    if host_id == event.host_id and event.organisation_id is not None:
        return payouts.filter(Q(organisation_id=event.organisation_id) | Q(host_id=host_id, organisation__isnull=True))
    return payouts.filter(host_id=host_id, organisation__isnull=True)


def payout_request_create(*, host: User, event_id: uuid.UUID, bank_account_id: uuid.UUID) -> PayoutRequest:
    """After the event ends the host (or a co-host with a share) asks for their earnings; one active request
    per event and recipient."""
    with transaction.atomic():
        event = Event.objects.select_for_update().alive().filter(id=event_id).first()
        owner = event is not None and event.host_id == host.id
        shares = event is not None and Settlement.objects.filter(order__event=event, recipient=host).exists()
        if event is not None and owner and event.organisation_id is not None:
            # The owner's share of an organisation's event is the organisation's (organisation_payouts.py).
            if holds_host_power(host, event, "payouts"):
                raise BusinessRuleError(
                    "This event's earnings are paid to its organisation: ask through the organisation.",
                    code=PaymentErrorCode.PAID_TO_ORGANISATION,
                )
            owner = shares = False
        if event is None or (not owner and not shares):
            raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
        ensure_payouts_open(event)
        account = _own_account(host, bank_account_id)
        active = PayoutRequest.objects.filter(event=event, host=host)
        return payout_open(event, requester=host, account=account, active=active, share_of=host)


def ensure_payouts_open(event: Event) -> None:
    """Payouts open once the event has ended (completed early counts), never for a cancelled one."""
    ended = event.status == EventStatus.COMPLETED or event.end_at <= timezone.now()
    if event.status == EventStatus.CANCELLED or not ended:
        raise BusinessRuleError(
            "Payouts open once the event has ended (or you mark it completed).",
            code=PaymentErrorCode.EVENT_NOT_ENDED,
        )


def payout_open(
    event: Event,
    *,
    requester: User,
    account: BankAccount,
    active: QuerySet[PayoutRequest],
    share_of: User | None,
    organisation: Organisation | None = None,
) -> PayoutRequest:
    """Open one payout request for a share of a locked event (`share_of`: a recipient's share, None: the owner's):
    none of `active` may be in progress (also a database constraint), the figures are snapshotted now, audited.
    The caller holds the event's row lock and has checked who may ask."""
    if active.filter(status__in=ACTIVE_PAYOUT).exists():
        raise Conflict("A payout for this event is already in progress.", code=PaymentErrorCode.PAYOUT_EXISTS)
    figures = payout_figures(event, share_of)
    if figures["amount"] <= 0:
        raise BusinessRuleError("There is nothing to pay out for this event.", code=PaymentErrorCode.NOTHING_TO_PAY)
    try:
        with transaction.atomic():
            payout = PayoutRequest.objects.create(
                event=event,
                host=requester,
                organisation=organisation,
                bank_account=account,
                currency=event.currency,
                account_masked=account.masked,
                **figures,
            )
    except IntegrityError:
        raise Conflict("A payout for this event is already in progress.", code=PaymentErrorCode.PAYOUT_EXISTS) from None
    audit_record(
        action="payout.requested",
        actor=requester,
        obj=payout,
        data={"amount": str(payout.amount), "event_id": str(event.id)},
    )
    return payout


def payout_request_create_for_source(*, user: User, source: str, bank_account_id: uuid.UUID) -> PayoutRequest:
    """Ask for a registered source's balance (the marketplace's seller earnings, …); one active request per
    source and recipient, the source's figures snapshotted as an event payout's are."""
    handler = payout_source(source)
    with transaction.atomic():
        User.objects.select_for_update().filter(id=user.id).first()  # one request at a time per person
        account = _own_account(user, bank_account_id)
        if PayoutRequest.objects.filter(source=source, host=user, status__in=ACTIVE_PAYOUT).exists():
            raise Conflict("A payout of these earnings is already in progress.", code=PaymentErrorCode.PAYOUT_EXISTS)
        figures = handler.figures(user)
        if figures["amount"] <= 0:
            raise BusinessRuleError("There is nothing to pay out.", code=PaymentErrorCode.NOTHING_TO_PAY)
        payout = PayoutRequest.objects.create(
            source=source,
            host=user,
            bank_account=account,
            currency=figures.get("currency", "INR"),
            account_masked=account.masked,
            amount=figures["amount"],
            gross_earnings=figures["gross_earnings"],
            refunds_total=figures["refunds_total"],
            previously_paid=figures["previously_paid"],
        )
        audit_record(
            action="payout.requested", actor=user, obj=payout, data={"amount": str(payout.amount), "source": source}
        )
    return payout


# Staff decisions: which status each step starts from.
PAYOUT_STEPS = {
    PayoutStatus.APPROVED: [PayoutStatus.REQUESTED],
    PayoutStatus.PROCESSING: [PayoutStatus.APPROVED],
    PayoutStatus.COMPLETED: [PayoutStatus.APPROVED, PayoutStatus.PROCESSING],
    PayoutStatus.REJECTED: [PayoutStatus.REQUESTED, PayoutStatus.APPROVED, PayoutStatus.PROCESSING],
}


def payout_decide(
    *, staff: User, payout_id: uuid.UUID, target: str, transaction_ref: str = "", reason: str = ""
) -> PayoutRequest:
    """Approve, mark processing, complete (with the bank's reference) or reject (with a reason)."""
    if not (staff.is_staff and (staff.is_superuser or staff.has_perm("payments.decide_payout"))):
        raise PermissionDenied("Only finance staff decide payouts.")
    if target == PayoutStatus.COMPLETED and not transaction_ref.strip():
        raise ValidationFailed.one("transaction_ref", "REQUIRED", "Give the bank transfer reference.")
    if target == PayoutStatus.REJECTED and not reason.strip():
        raise ValidationFailed.one("reason", "REQUIRED", "Say why the payout is rejected.")
    with transaction.atomic():
        payout = PayoutRequest.objects.select_for_update().filter(id=payout_id).first()
        if payout is None:
            raise NotFound("Payout not found.", code=PaymentErrorCode.PAYOUT_NOT_FOUND)
        old = payout.status
        if old not in PAYOUT_STEPS[target]:
            raise BusinessRuleError(f"A {old} payout cannot become {target}.", code=CoreErrorCode.INVALID_TRANSITION)
        payout.status = target
        payout.decided_by = staff
        if target == PayoutStatus.COMPLETED:
            payout.transaction_ref = transaction_ref.strip()
            payout.completed_at = timezone.now()
            if payout.source != EVENT_PAYOUT:
                payout_source(payout.source).on_completed(payout)  # the balance is debited with the completion
        if target == PayoutStatus.REJECTED:
            payout.rejection_reason = reason.strip()
        payout.save()
        audit_record(
            action=f"payout.{target}",
            actor=staff,
            obj=payout,
            subject=payout.host,
            data={"from": old, "transaction_ref": payout.transaction_ref, "reason": payout.rejection_reason},
        )
        send_after_commit(signals.payout_status_changed, payout_id=payout.id, old=old, new=target)
    return payout
