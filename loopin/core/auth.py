"""Who is calling: bearer tokens become a `Caller`, resolved to a User inside the request's sync hop.

Every authenticated call refuses a suspended user (403 ACCOUNT_SUSPENDED). `CurrentUser` / `OptionalUser`
are also gated by the onboarding waitlist (403 WAITLISTED, details `promote_at`); `UngatedUser` is not:
it is for the auth, profile and `/api/v2/me` endpoints a waitlisted user must still reach.

A token is decoded once per request: `token_claims` keeps the claims in the request's ASGI state, where the
rate-limit middleware (which decodes first) leaves them for the dependencies below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from loopin.core.errors import NotAuthenticated
from loopin.core.hooks import access_token_decode, caller_cached, caller_load
from loopin.core.sync import Resolvable

if TYPE_CHECKING:
    from loopin.accounts.models import User
    from loopin.accounts.tokens import AccessClaims

_bearer = HTTPBearer(auto_error=False, description="The access token from verify-otp / verify-login")


class Caller(Resolvable):
    """A verified access token; `resolve()` loads the user (one query) on the worker thread."""

    def __init__(self, claims: AccessClaims | None, *, gated: bool = True) -> None:
        self.claims = claims
        self.gated = gated

    def resolve(self) -> User | None:
        if self.claims is None:
            return None
        return caller_load(self.claims, gated=self.gated)

    def cached(self) -> User | None:
        """The user without a query, when the session check is cached (safe on the event loop); else None."""
        if self.claims is None:
            return None
        return caller_cached(self.claims, gated=self.gated)


_STATE_KEY = "loopin.access_claims"


def token_claims(state: dict[str, Any], token: str) -> AccessClaims:
    """The claims of `token` (raises `NotAuthenticated`), decoded at most once per request: `state` is the
    request's ASGI state (`scope["state"]`), where the result is kept with the token it came from."""
    found = state.get(_STATE_KEY)
    if found is not None and found[0] == token:
        claims: AccessClaims = found[1]
        return claims
    claims = access_token_decode(token)
    state[_STATE_KEY] = (token, claims)
    return claims


def _claims(request: Request, credentials: HTTPAuthorizationCredentials | None) -> AccessClaims | None:
    if credentials is None or credentials.scheme.lower() != "bearer":
        return None
    return token_claims(request.scope.setdefault("state", {}), credentials.credentials)


async def _required(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    claims = _claims(request, credentials)
    if claims is None:
        raise NotAuthenticated()
    return Caller(claims)


async def _required_ungated(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    claims = _claims(request, credentials)
    if claims is None:
        raise NotAuthenticated()
    return Caller(claims, gated=False)


async def _optional(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Caller:
    return Caller(_claims(request, credentials))


def is_optional_auth(dependency: object) -> bool:
    """Whether a dependency is `OptionalUser`'s (the OpenAPI document marks those operations anonymous-friendly)."""
    return dependency is _optional


CurrentUser = Annotated[Caller, Depends(_required)]
OptionalUser = Annotated[Caller, Depends(_optional)]
UngatedUser = Annotated[Caller, Depends(_required_ungated)]


def request_ip(request: Request) -> str | None:
    return getattr(request.state, "client_ip", None)
