"""Hosts' settlement accounts at a provider (a Razorpay Route linked account, a Stripe Connect account):
register, verify, disable."""

from __future__ import annotations

import re
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from loopin.accounts.models import User
from loopin.audit.services import audit_record
from loopin.core.errors import Conflict, NotFound, ValidationFailed
from loopin.payments.error_codes import PaymentErrorCode
from loopin.payments.errors import ProviderUnavailable
from loopin.payments.models import (
    SettlementAccount,
    SettlementAccountStatus,
)
from loopin.payments.providers import get_settling_provider

ACCOUNT_ID_RE = {"razorpay": re.compile(r"^acc_[A-Za-z0-9]{6,30}$"), "stripe": re.compile(r"^acct_[A-Za-z0-9]{6,40}$")}
ACCOUNT_ID_HINT = {"razorpay": "a Route linked account id, acc_…", "stripe": "a Connect account id, acct_…"}

# accounts


def _own_settlement_account(user: User, account_id: uuid.UUID) -> SettlementAccount:
    account = SettlementAccount.objects.filter(id=account_id, user=user).first()
    if account is None:
        raise NotFound("Settlement account not found.", code=PaymentErrorCode.SETTLEMENT_ACCOUNT_NOT_FOUND)
    return account


def settlement_account_register(
    *, user: User, provider: str, account_id: str, actor: User | None = None
) -> SettlementAccount:
    """Link a provider account (a host for themself, or staff for a host) and verify it with the provider.

    The account becomes active only when the provider says it takes transfers; otherwise (or when the
    provider does not answer) it stays pending and can be verified again."""
    account_id = account_id.strip()
    get_settling_provider(provider)  # 400 SETTLEMENT_PROVIDER_UNSUPPORTED before anything is stored
    if not ACCOUNT_ID_RE[provider].match(account_id):
        raise ValidationFailed.one("account_id", "INVALID_ACCOUNT_ID", f"Give {ACCOUNT_ID_HINT[provider]}.")
    actor = actor or user
    try:
        with transaction.atomic():
            account = SettlementAccount.objects.create(
                user=user, provider=provider, account_id=account_id, created_by=actor
            )
            audit_record(
                action="settlement_account.added",
                actor=actor,
                obj=account,
                subject=user,
                data={"provider": provider, "account_id": account_id},
            )
    except IntegrityError:
        raise Conflict(
            "This provider account is already registered.", code=PaymentErrorCode.SETTLEMENT_ACCOUNT_EXISTS
        ) from None
    try:
        return settlement_account_verify(account_id=account.id, actor=actor)
    except ProviderUnavailable:
        SettlementAccount.objects.filter(id=account.id).update(provider_status="unverified: provider error")
        account.refresh_from_db()
        return account


def settlement_account_verify(*, account_id: uuid.UUID, actor: User | None = None) -> SettlementAccount:
    """Ask the provider (GET account) and set the status from its answer; activating one account of a host
    at a provider disables their earlier active one there. A disabled account stays disabled."""
    account = SettlementAccount.objects.get(id=account_id)
    if account.status == SettlementAccountStatus.DISABLED:
        return account
    state = get_settling_provider(account.provider).account_state(account.account_id)
    with transaction.atomic():
        account = SettlementAccount.objects.select_for_update().get(id=account_id)
        if account.status == SettlementAccountStatus.DISABLED:
            return account
        old = account.status
        account.provider_status = state.provider_status
        account.verified_at = timezone.now()
        account.status = state.state
        if state.state == SettlementAccountStatus.ACTIVE:
            SettlementAccount.objects.filter(
                user_id=account.user_id, provider=account.provider, status=SettlementAccountStatus.ACTIVE
            ).exclude(id=account.id).update(status=SettlementAccountStatus.DISABLED)
        account.save(update_fields=["provider_status", "verified_at", "status", "updated_at"])
        audit_record(
            action="settlement_account.verified",
            actor=actor,
            obj=account,
            subject=account.user,
            data={"from": old, "to": account.status, "provider_status": account.provider_status},
        )
    return account


def settlement_account_verify_own(*, user: User, account_id: uuid.UUID) -> SettlementAccount:
    return settlement_account_verify(account_id=_own_settlement_account(user, account_id).id, actor=user)


def settlement_account_disable(*, account_id: uuid.UUID, actor: User) -> SettlementAccount:
    """Stop using an account: later orders settle by payout (transfers already planned to it still go)."""
    with transaction.atomic():
        account = SettlementAccount.objects.select_for_update().get(id=account_id)
        if account.status != SettlementAccountStatus.DISABLED:
            old = account.status
            account.status = SettlementAccountStatus.DISABLED
            account.save(update_fields=["status", "updated_at"])
            audit_record(
                action="settlement_account.disabled", actor=actor, obj=account, subject=account.user, data={"from": old}
            )
    return account


def settlement_account_disable_own(*, user: User, account_id: uuid.UUID) -> SettlementAccount:
    return settlement_account_disable(account_id=_own_settlement_account(user, account_id).id, actor=user)
