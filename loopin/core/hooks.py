"""Cross-domain hooks for the account lifecycle.

Each domain registers its part in its AppConfig.ready(), so accounts never imports events or payments.
All functions take the `User`; names are "<domain>.<what>" and registering a name again replaces it.

- A deletion blocker returns a reason why the user may not delete their account now, or None.
  Blockers are asked before the deletion code is sent and again, with the user row locked, inside the
  deletion transaction; any reason refuses with 409 `ACCOUNT_DELETION_BLOCKED`, details
  `{"blockers": [{"name", "reason"}]}`. Example: events refuses a host with upcoming events with guests.
- An erasure step runs inside the deletion transaction, after the code was checked and the blockers
  passed: cancel what is pending, anonymise what is kept (never delete rows other records point to;
  never touch audit entries, which are append-only). Steps run in ascending `order` (default 100);
  accounts' own steps (profile and pictures, sessions, phone leads) run last with order 1000,
  so other domains still see the name and phone number. Raising aborts the whole deletion. Outside
  effects (files, refunds at a provider, notifications) go out with `transaction.on_commit`.
- An export section returns JSON-serialisable data about the user; `GET /api/v2/me/export` answers
  `{<section name>: <data>, ...}`. Return everything the domain holds about the person.
- A waitlist-promoted listener runs inside the transaction that lets a user off the onboarding waitlist
  (see `loopin.accounts.waitlist.waitlist_welcome`); the notifications domain sends its welcome here.
- A sessions-ended listener is called after commit with `user_id`, `session_id` (None: every session of
  the person) and `reason` when sign-in sessions end (logout, revocation, suspension, deletion); realtime
  disconnects the sockets opened with them.
- The authenticator (accounts registers it; `core.auth` and `core.throttle` use it) reads a bearer token:
  `decode(token)` returns its claims (`user_id`, `session_id`) or raises `NotAuthenticated`; `load(claims, gated)`
  returns the signed-in User in one query, refusing ended sessions and suspended users, and with `gated` the
  waitlisted ones.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loopin.accounts.models import User
    from loopin.accounts.tokens import AccessClaims

DeletionBlocker = Callable[["User"], str | None]
ErasureStep = Callable[["User"], None]
ExportSection = Callable[["User"], Any]  # JSON-serialisable data
WaitlistPromoted = Callable[["User"], None]
SessionsEnded = Callable[..., None]
TokenDecoder = Callable[[str], "AccessClaims"]
CallerLoader = Callable[["AccessClaims", bool], "User"]
CachedCaller = Callable[["AccessClaims", bool], "User | None"]

_blockers: dict[str, DeletionBlocker] = {}
_erasure_steps: dict[str, tuple[int, ErasureStep]] = {}
_export_sections: dict[str, ExportSection] = {}
_waitlist_promoted: dict[str, WaitlistPromoted] = {}
_sessions_ended: dict[str, SessionsEnded] = {}
_token_decoder: list[TokenDecoder] = []  # one each: registering again replaces it
_caller_loader: list[CallerLoader] = []
_caller_cached: list[CachedCaller] = []


def register_deletion_blocker(name: str, fn: DeletionBlocker) -> None:
    _blockers[name] = fn


def register_erasure_step(name: str, fn: ErasureStep, *, order: int = 100) -> None:
    _erasure_steps[name] = (order, fn)


def register_export_section(name: str, fn: ExportSection) -> None:
    _export_sections[name] = fn


def register_waitlist_promoted(name: str, fn: WaitlistPromoted) -> None:
    _waitlist_promoted[name] = fn


def register_sessions_ended(name: str, fn: SessionsEnded) -> None:
    _sessions_ended[name] = fn


def sessions_ended_listeners() -> dict[str, SessionsEnded]:
    return dict(_sessions_ended)


def deletion_blockers() -> dict[str, DeletionBlocker]:
    return dict(_blockers)


def erasure_steps() -> dict[str, ErasureStep]:
    """The steps in the order they run."""
    ordered = sorted(_erasure_steps.items(), key=lambda item: item[1][0])
    return {name: fn for name, (_, fn) in ordered}


def export_sections() -> dict[str, ExportSection]:
    return dict(_export_sections)


def waitlist_promoted_listeners() -> dict[str, WaitlistPromoted]:
    return dict(_waitlist_promoted)


def register_authenticator(*, decode: TokenDecoder, load: CallerLoader, cached: CachedCaller) -> None:
    _token_decoder[:] = [decode]
    _caller_loader[:] = [load]
    _caller_cached[:] = [cached]


def access_token_decode(token: str) -> AccessClaims:
    """The claims in a bearer token (raises `NotAuthenticated`), by the registered authenticator."""
    return _token_decoder[0](token)


def caller_load(claims: AccessClaims, *, gated: bool) -> User:
    """The signed-in user behind a token's claims, by the registered authenticator."""
    return _caller_loader[0](claims, gated)


def caller_cached(claims: AccessClaims, *, gated: bool) -> User | None:
    """The same user when the authenticator has it checked already and needs no query to say so (else None)."""
    return _caller_cached[0](claims, gated)
