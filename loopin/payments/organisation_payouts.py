"""An organisation's money: its bank accounts and the payout requests that pay its events' owner share to them.

Every call goes through `organisation_for` first (404 `ORGANISATION_NOT_FOUND` to anyone who is not a member now,
403 `ORGANISATION_ROLE_TOO_SMALL` to a role without the action): bank accounts need `money`, payout requests
`payouts` (owner and admin, `organisations/permissions.py`). A request pays the event's whole balance, snapshotted
under the event's row lock, and there is at most one active request per event (also a database constraint), so
concurrent requests by several admins give exactly one payout and never more than the organisation earned.
"""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound
from loopin.core.models import stamp
from loopin.events.error_codes import EventErrorCode
from loopin.events.models import Event
from loopin.organisations.models import Organisation
from loopin.organisations.selectors import organisation_for
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.models import ACTIVE_PAYOUT, BankAccount, PayoutRequest
from loopin.payments.payouts import bank_account_fields, ensure_payouts_open, payout_open, payouts_of_share


def _lock(organisation: Organisation) -> None:
    """Serialise changes to the organisation's accounts (one primary, even under races)."""
    Organisation.objects.select_for_update().filter(id=organisation.id).first()


def _account(organisation: Organisation, account_id: uuid.UUID) -> BankAccount:
    account = BankAccount.objects.filter(id=account_id, organisation=organisation, removed_at__isnull=True).first()
    if account is None:
        raise NotFound("Bank account not found.", code=PaymentErrorCode.BANK_ACCOUNT_NOT_FOUND)
    return account


def organisation_bank_account_create(
    *,
    user: User,
    organisation_id: uuid.UUID,
    holder_name: str,
    bank_name: str,
    ifsc: str,
    account_number: str,
    make_primary: bool = False,
) -> BankAccount:
    """Add an account of the organisation; its first one (or one asked to be) becomes primary."""
    fields = bank_account_fields(holder_name=holder_name, bank_name=bank_name, ifsc=ifsc, account_number=account_number)
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "money")
        _lock(organisation)
        accounts = BankAccount.objects.filter(organisation=organisation, removed_at__isnull=True)
        primary = make_primary or not accounts.exists()
        if primary:
            accounts.filter(is_primary=True).update(is_primary=False)
        account = BankAccount(organisation=organisation, is_primary=primary, **fields)
        stamp(account, user, "create")
        account.save()
        audit_record(action="bank_account.added", actor=user, obj=account, data={"last4": account.last4})
    return account


def organisation_bank_account_make_primary(
    *, user: User, organisation_id: uuid.UUID, account_id: uuid.UUID
) -> BankAccount:
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "money")
        _lock(organisation)
        account = _account(organisation, account_id)
        BankAccount.objects.filter(organisation=organisation, is_primary=True).exclude(id=account.id).update(
            is_primary=False
        )
        account.is_primary = True
        account.save(update_fields=["is_primary", *stamp(account, user, "update")])
        audit_record(action="bank_account.primary", actor=user, obj=account)
    return account


def organisation_bank_account_remove(*, user: User, organisation_id: uuid.UUID, account_id: uuid.UUID) -> None:
    """Remove an account (kept, emptied, for payouts that point to it). Refused while a payout uses it."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "money")
        _lock(organisation)
        account = _account(organisation, account_id)
        if PayoutRequest.objects.filter(bank_account=account, status__in=ACTIVE_PAYOUT).exists():
            raise Conflict("A payout in progress uses this account.", code=PaymentErrorCode.BANK_ACCOUNT_IN_USE)
        account.removed_at, account.is_primary, account.account_number_encrypted = timezone.now(), False, ""
        account.save(
            update_fields=["removed_at", "is_primary", "account_number_encrypted", *stamp(account, user, "delete")]
        )
        audit_record(action="bank_account.removed", actor=user, obj=account)


def organisation_payout_request_create(
    *, user: User, organisation_id: uuid.UUID, event_id: uuid.UUID, bank_account_id: uuid.UUID
) -> PayoutRequest:
    """After one of the organisation's events ends, an owner or admin asks for its balance (the owner's share:
    gross host earnings minus refunds minus earlier payouts) to the organisation's account."""
    with transaction.atomic():
        organisation = organisation_for(user, organisation_id, "payouts")
        event = Event.objects.select_for_update().alive().filter(id=event_id, organisation=organisation).first()
        if event is None:
            raise NotFound("Event not found.", code=EventErrorCode.EVENT_NOT_FOUND)
        ensure_payouts_open(event)
        account = _account(organisation, bank_account_id)
        active = payouts_of_share(event, event.host_id)
        return payout_open(
            event, requester=user, account=account, active=active, share_of=None, organisation=organisation
        )
