"""Writes: a ticket's pass (made on first download), device registrations, marking passes changed, pushes."""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from loopin.accounts.models import User
from loopin.core.errors import Conflict, NotFound
from loopin.core.logging import get_logger
from loopin.core.settings import get_settings
from loopin.tickets.error_codes import TicketErrorCode
from loopin.tickets.models import Ticket, TicketStatus
from loopin.wallet import pkpass, selectors
from loopin.wallet.models import WalletDevice, WalletPass, WalletRegistration
from loopin.wallet.push import PassPushError, backend
from loopin.wallet.selectors import PassFile
from loopin.wallet.tokens import token_decrypt, token_new

log = get_logger("loopin.wallet")

MAX_LOG_LINES = 50
MAX_LOG_CHARS = 500


def _pass_and_token(ticket: Ticket) -> tuple[WalletPass, str]:
    """The ticket's pass, made with a new random token on first use (two first downloads at once: one wins)."""
    pass_type = get_settings().WALLET_PASS_TYPE_ID
    wallet_pass = selectors.passes_with_tickets().filter(ticket_id=ticket.id).first()
    if wallet_pass is None:
        new = token_new()
        try:
            with transaction.atomic():
                WalletPass.objects.create(
                    ticket=ticket,
                    pass_type_identifier=pass_type,
                    auth_token_hash=new.hashed,
                    auth_token_encrypted=new.encrypted,
                )
        except IntegrityError:
            pass
        wallet_pass = selectors.passes_with_tickets().get(ticket_id=ticket.id)
    token = token_decrypt(wallet_pass.auth_token_encrypted)
    if token is None or wallet_pass.pass_type_identifier != pass_type:
        # SECRET_KEY or the pass type changed: a new token (the pass already on a phone stops updating).
        new = token_new()
        WalletPass.objects.filter(ticket_id=ticket.id).update(
            pass_type_identifier=pass_type,
            auth_token_hash=new.hashed,
            auth_token_encrypted=new.encrypted,
            updated_at=timezone.now(),
        )
        wallet_pass = selectors.passes_with_tickets().get(ticket_id=ticket.id)
        token = new.token
    return wallet_pass, token


def wallet_pass_download(*, user: User, ticket_id: uuid.UUID) -> PassFile:
    """The holder's valid ticket as a signed Apple Wallet pass (503 WALLET_NOT_CONFIGURED when not set up)."""
    ticket = Ticket.objects.filter(id=ticket_id, user=user, event__deleted_at__isnull=True).first()
    if ticket is None:
        raise NotFound("Ticket not found.", code=TicketErrorCode.TICKET_NOT_FOUND)
    if ticket.status != TicketStatus.VALID:
        raise Conflict(f"This ticket is {ticket.status}.", code=TicketErrorCode.TICKET_NOT_VALID)
    pkpass.signer()  # before anything is stored
    wallet_pass, token = _pass_and_token(ticket)
    return selectors.pass_file(wallet_pass, token)


def wallet_device_register(
    *,
    device_library_identifier: str,
    pass_type_identifier: str,
    serial_number: str,
    authorization: str | None,
    push_token: str,
) -> bool:
    """A device asks for updates of a pass (Apple's call); True when the registration is new."""
    wallet_pass = selectors.wallet_pass_authorized(
        pass_type_identifier=pass_type_identifier, serial_number=serial_number, authorization=authorization
    )
    for _attempt in range(2):
        try:
            with transaction.atomic():
                device, _ = WalletDevice.objects.update_or_create(
                    device_library_identifier=device_library_identifier, defaults={"push_token": push_token}
                )
                _, created = WalletRegistration.objects.get_or_create(device=device, wallet_pass=wallet_pass)
                return created
        except IntegrityError:  # the same device registering two passes at once: the second one retries
            continue
    raise Conflict("The device is registering this pass right now; try again.")


def wallet_device_unregister(
    *, device_library_identifier: str, pass_type_identifier: str, serial_number: str, authorization: str | None
) -> None:
    """A device no longer wants updates of a pass (removed from Wallet); a device left with none is forgotten."""
    wallet_pass = selectors.wallet_pass_authorized(
        pass_type_identifier=pass_type_identifier, serial_number=serial_number, authorization=authorization
    )
    with transaction.atomic():
        WalletRegistration.objects.filter(
            device__device_library_identifier=device_library_identifier, wallet_pass=wallet_pass
        ).delete()
        WalletDevice.objects.filter(
            device_library_identifier=device_library_identifier, registrations__isnull=True
        ).delete()


def wallet_passes_touch(
    *, event_id: uuid.UUID | None = None, ticket_id: uuid.UUID | None = None
) -> list[tuple[uuid.UUID, str]]:
    """Mark the passes of an event (or of one ticket) changed now; the (device, pass type) pairs to push."""
    passes = WalletPass.objects.filter(Q(ticket__event_id=event_id) if event_id else Q(ticket_id=ticket_id))
    with transaction.atomic():
        touched = passes.update(updated_at=timezone.now())
        if not touched:
            return []
        pairs = (
            WalletRegistration.objects.filter(wallet_pass__in=passes)
            .values_list("device_id", "wallet_pass__pass_type_identifier")
            .distinct()
            .order_by("device_id")
        )
        return list(pairs)


def wallet_device_push(*, device_id: uuid.UUID, topic: str, final_attempt: bool = False) -> bool:
    """Push one device that its passes changed; True when it should be tried again later."""
    device = WalletDevice.objects.filter(id=device_id).first()
    if device is None:
        return False
    try:
        backend().send(push_token=device.push_token, topic=topic)
    except PassPushError as exc:
        if exc.invalid_token:
            WalletDevice.objects.filter(id=device.id, push_token=device.push_token).delete()
            log.info("wallet_device_forgotten", reason=str(exc))
            return False
        log.warning("wallet_push_failed", error=str(exc), permanent=exc.permanent, final=final_attempt)
        return not (exc.permanent or final_attempt)
    return False


def wallet_device_log(*, messages: list[str]) -> int:
    """Errors Apple's devices report about our passes (logged, cut short); the number logged."""
    for line in messages[:MAX_LOG_LINES]:
        log.warning("wallet_device_log", message=line[:MAX_LOG_CHARS])
    return min(len(messages), MAX_LOG_LINES)
