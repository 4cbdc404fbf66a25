"""Global per-IP, per-user and upload caps (core.throttle), their 429 envelope and the Redis fallback."""

from __future__ import annotations

import asyncio
import socket

import pytest
from starlette.testclient import TestClient

from loopin.config.asgi import app
from loopin.core import hooks, net, ratelimit
from loopin.core.rates import parse_rate
from loopin.core.throttle import Limiter, RedisCounter
from loopin.testing.fixtures import signed_in_user


@pytest.fixture
def caps(app_settings):
    # Hour windows: the sliding-window estimate forgets a third of the previous window only after 20
    # minutes, so a slow machine crossing a window edge mid-test still sees every hit counted.
    app_settings.RATE_LIMIT_ANON = "3/hour"
    app_settings.RATE_LIMIT_USER = "5/hour"
    app_settings.RATE_LIMIT_UPLOAD = "2/hour"
    return app_settings


def _client_from(ip: str) -> TestClient:

    return TestClient(app, raise_server_exceptions=False, client=(ip, 40000))


def test_anonymous_caller_past_the_cap_gets_the_429_envelope(api, caps):
    statuses = [api.get("/api/v2/auth/event-interests").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    r = api.get("/api/v2/auth/event-interests")
    body = r.json()
    assert body["success"] is False
    assert body["error_code"] == "RATE_LIMITED"
    assert body["details"]["scope"] == "global_anonymous"
    assert 1 <= int(r.headers["retry-after"]) <= 3600
    assert body["details"]["retry_after"] == int(r.headers["retry-after"])
    assert r.headers["x-request-id"]


def test_signed_in_user_has_a_bucket_of_their_own(api, app_settings):
    user = signed_in_user(api, "+916205829376")
    app_settings.RATE_LIMIT_ANON = "1/hour"
    app_settings.RATE_LIMIT_USER = "4/hour"
    ratelimit.reset_all()  # forget the sign-up's anonymous calls
    assert api.get("/api/v2/auth/event-interests").status_code == 200
    assert api.get("/api/v2/auth/event-interests").status_code == 429  # the IP is spent
    statuses = [api.get("/api/v2/auth/profile", headers=user["headers"]).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    assert api.get("/api/v2/auth/profile", headers=user["headers"]).json()["details"]["scope"] == "global_user"


def test_an_invalid_token_counts_against_the_ip(api, caps):
    bad = {"Authorization": "Bearer not-a-token"}
    statuses = [api.get("/api/v2/auth/profile", headers=bad).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_uploads_have_their_own_lower_cap(api, app_settings):
    user = signed_in_user(api, "+916205829376")
    app_settings.RATE_LIMIT_UPLOAD = "2/hour"
    files = {"profile_pictures": ("p.txt", b"not an image", "text/plain")}
    statuses = [api.put("/api/v2/auth/profile", files=files, headers=user["headers"]).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]
    # Plain JSON calls of the same user are still under the user cap.
    assert api.get("/api/v2/auth/profile", headers=user["headers"]).status_code == 200


def test_health_is_never_limited(api, caps):
    statuses = {api.get("/api/health").status_code for _ in range(6)}
    assert statuses == {200}


def test_disabled_limits_let_everything_through(api, caps):
    caps.RATE_LIMIT_ENABLED = False
    statuses = {api.get("/api/v2/auth/event-interests").status_code for _ in range(6)}
    assert statuses == {200}


def test_untrusted_x_forwarded_for_does_not_buy_a_fresh_bucket(api, caps):
    with _client_from("203.0.113.7") as client:
        statuses = [
            client.get("/api/v2/auth/event-interests", headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(4)
        ]
    assert statuses == [200, 200, 200, 429]


def test_trusted_proxy_forwards_the_client_ip(api, caps):
    caps.TRUSTED_PROXIES = ["10.0.0.0/8"]
    net._trusted.cache_clear()
    try:
        with _client_from("10.0.0.2") as proxy:
            first = [
                proxy.get("/api/v2/auth/event-interests", headers={"X-Forwarded-For": "198.51.100.1"}).status_code
                for _ in range(4)
            ]
            other = proxy.get("/api/v2/auth/event-interests", headers={"X-Forwarded-For": "198.51.100.2"})
    finally:
        net._trusted.cache_clear()
    assert first == [200, 200, 200, 429]
    assert other.status_code == 200


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_redis_down_falls_back_to_in_process_counting():
    limiter = Limiter(RedisCounter(f"redis://127.0.0.1:{_closed_port()}/0", "test:limits:global"))
    rate = parse_rate("2/hour")

    async def three_hits() -> list[float]:
        return [await limiter.hit("ip:x", rate) for _ in range(3)]

    counts = asyncio.run(three_hits())
    assert [c > rate.limit for c in counts] == [False, False, True]
    assert limiter.redis_down_until > 0


@pytest.mark.parametrize(
    ("spec", "limit", "window"),
    [("100/minute", 100, 60), ("1000/hour", 1000, 3600), ("50/10 seconds", 50, 10), ("5/day", 5, 86400)],
)
def test_rates_parse(spec, limit, window):
    rate = parse_rate(spec)
    assert (rate.limit, rate.window) == (limit, window)


@pytest.mark.parametrize("spec", ["100", "0/minute", "10/fortnight", "x/minute"])
def test_bad_rates_are_refused(spec):
    with pytest.raises(ValueError):
        parse_rate(spec)


@pytest.fixture
def decodes():
    """Every access-token decode, counted around the registered authenticator (restored afterwards)."""
    decode, load, cached = hooks._token_decoder[0], hooks._caller_loader[0], hooks._caller_cached[0]
    seen: list[str] = []

    def counting(token: str):
        seen.append(token)
        return decode(token)

    hooks.register_authenticator(decode=counting, load=load, cached=cached)
    yield seen
    hooks.register_authenticator(decode=decode, load=load, cached=cached)


def test_a_signed_in_request_decodes_its_token_once(api, app_settings, decodes):
    user = signed_in_user(api, "+916205829377")
    app_settings.RATE_LIMIT_ENABLED = True
    decodes.clear()
    r = api.get("/api/v2/auth/profile", headers=user["headers"])
    assert r.status_code == 200
    assert decodes == [user["token"]]  # the rate limit decoded it; the auth dependency reused the claims
    app_settings.RATE_LIMIT_ENABLED = False
    decodes.clear()
    assert api.get("/api/v2/auth/profile", headers=user["headers"]).status_code == 200
    assert decodes == [user["token"]]  # without the rate limit the dependency decodes it itself


def test_a_bad_token_is_still_refused_after_the_rate_limit_looked_at_it(api, app_settings, decodes):
    app_settings.RATE_LIMIT_ENABLED = True
    r = api.get("/api/v2/auth/profile", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401
    assert r.json()["error_code"] == "INVALID_TOKEN"
