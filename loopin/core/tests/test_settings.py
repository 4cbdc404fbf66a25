"""Settings come from the environment and production refuses unsafe values."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from pydantic import ValidationError

from loopin.core.settings import DEV_SECRET_KEY, Settings

STRONG = "q2Vx8Lr0Tn4Yw6Hb1Kc9Zd3Fm7Ps5Ga-Ju_Eo2Ri8Uh0Wl4Xy6Nt1Bv9Ck3Dz7Sa"  # 64 varied URL-safe characters


def _production(**env):
    env.setdefault("PUBLIC_BASE_URL", "https://loopinsocial.in")
    env.setdefault("TWILIO_ACCOUNT_SID", "AC0123456789abcdef0123456789abcdef")
    env.setdefault("TWILIO_AUTH_TOKEN", "twilio-auth-token")
    env.setdefault("PAYMENT_PROVIDER", "razorpay")
    env.setdefault("ALLOWED_HOSTS", ["api.loopin.app"])
    return Settings(_env_file=None, ENVIRONMENT="production", **env)


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="SECRET_KEY is the development default"):
        _production(SECRET_KEY=DEV_SECRET_KEY)


def test_production_refuses_a_short_secret():
    with pytest.raises(ValidationError, match="SECRET_KEY is shorter than 32 bytes"):
        _production(SECRET_KEY="short-secret")


def test_production_refuses_a_short_jwt_secret():
    with pytest.raises(ValidationError, match="JWT_SECRET_KEY is shorter than 32 bytes"):
        _production(SECRET_KEY=STRONG, JWT_SECRET_KEY="tiny")


def test_production_refuses_debug_and_wildcard_hosts():
    with pytest.raises(ValidationError, match="DEBUG must be off"):
        _production(SECRET_KEY=STRONG, DEBUG=True)
    with pytest.raises(ValidationError, match="ALLOWED_HOSTS must name the hosts"):
        _production(SECRET_KEY=STRONG, ALLOWED_HOSTS=["*"])


def test_production_requires_the_public_base_url():
    with pytest.raises(ValidationError, match="PUBLIC_BASE_URL must be set"):
        _production(SECRET_KEY=STRONG, PUBLIC_BASE_URL="")
    assert _production(SECRET_KEY=STRONG, PUBLIC_BASE_URL="https://loopinsocial.in/").PUBLIC_BASE_URL == (
        "https://loopinsocial.in"
    )
    with pytest.raises(ValidationError, match="must be an http"):
        Settings(_env_file=None, PUBLIC_BASE_URL="loopinsocial.in")


def test_production_starts_with_safe_values():
    s = _production(SECRET_KEY=STRONG)
    assert s.JWT_SECRET_KEY == STRONG
    assert s.ENVIRONMENT == "production"


def test_embedded_defaults_and_derived_modes(monkeypatch):
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_ALWAYS_EAGER", "SMS_SEND_SYNC", "SMS_BACKEND"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=None)
    assert not s.uses_postgres and not s.uses_redis
    assert s.celery_eager and s.sms_send_sync
    assert s.sms_backend == "console"
    s = Settings(
        _env_file=None,
        DATABASE_URL="postgresql://u@h/db",
        REDIS_URL="redis://h:6379/0",
        TWILIO_ACCOUNT_SID="AC1",
        TWILIO_AUTH_TOKEN="t",
    )
    assert s.uses_postgres and s.uses_redis
    assert not s.celery_eager and not s.sms_send_sync
    assert s.sms_backend == "twilio"


def test_lists_come_from_comma_separated_environment(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "a.example, b.example")
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1")
    s = Settings(_env_file=None)
    assert s.ALLOWED_HOSTS == ["a.example", "b.example"]
    assert s.TRUSTED_PROXIES == ["10.0.0.0/8", "127.0.0.1"]


def test_bad_values_fail_at_start():
    with pytest.raises(ValidationError):
        Settings(_env_file=None, DATABASE_URL="mysql://x")
    with pytest.raises(ValidationError):
        Settings(_env_file=None, TRUSTED_PROXIES=["not-a-network"])
    with pytest.raises(ValidationError):
        Settings(_env_file=None, OTP_LENGTH=2)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CORS_ORIGINS": "*"}, "CORS_ORIGINS must name the origins"),
        ({"TRUSTED_PROXIES": "0.0.0.0/0"}, "TRUSTED_PROXIES must not trust every address"),
        ({"TRUSTED_PROXIES": "::/0"}, "TRUSTED_PROXIES must not trust every address"),
        ({"METRICS_ALLOWED_NETWORKS": "0.0.0.0/0"}, "METRICS_ALLOWED_NETWORKS must not open /metrics"),
        ({"METRICS_TOKEN": "short"}, "METRICS_TOKEN is shorter than 32 bytes"),
        ({"TRUSTED_PROXIES": "0.0.0.0/1,128.0.0.0/1"}, "TRUSTED_PROXIES must not trust every address"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8,0.0.0.0/2,64.0.0.0/2,128.0.0.0/1"}, "TRUSTED_PROXIES must not trust"),
        ({"TRUSTED_PROXIES": "::/1,8000::/1"}, "TRUSTED_PROXIES must not trust every address"),
        ({"METRICS_ALLOWED_NETWORKS": "0.0.0.0/1,128.0.0.0/1"}, "METRICS_ALLOWED_NETWORKS must not open /metrics"),
        ({"RATE_LIMIT_ENABLED": False}, "RATE_LIMIT_ENABLED must be on"),
    ],
)
def test_production_refuses_open_operations_settings(env, message):
    with pytest.raises(ValidationError, match=message):
        _production(SECRET_KEY=STRONG, **env)


def test_production_accepts_a_proxy_network_and_a_long_metrics_token():
    s = _production(SECRET_KEY=STRONG, TRUSTED_PROXIES="172.30.0.0/24", METRICS_TOKEN=STRONG[::-1])
    assert s.TRUSTED_PROXIES == ["172.30.0.0/24"]


def test_rate_limit_settings_must_parse():
    with pytest.raises(ValidationError, match="invalid rate"):
        Settings(_env_file=None, RATE_LIMIT_ANON="lots")


def test_the_env_example_loads_as_a_dot_env(tmp_path, monkeypatch):

    example = Path(__file__).resolve().parents[3] / ".env.example"
    (tmp_path / ".env").write_text(example.read_text())
    for name in ("CELERY_ALWAYS_EAGER", "SMS_SEND_SYNC", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    s = Settings(_env_file=tmp_path / ".env")
    # Its empty lines mean "the default": derived modes stay derived, instead of failing to parse "".
    assert (s.CELERY_ALWAYS_EAGER, s.SMS_SEND_SYNC) == (None, None)
    assert s.celery_eager and not s.uses_postgres


EXAMPLE_SECRET = "change-me-to-a-long-random-string-of-at-least-32-bytes"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"SECRET_KEY": EXAMPLE_SECRET}, "SECRET_KEY is a value published in this repository"),
        ({"SECRET_KEY": "a" * 32}, "SECRET_KEY is not random enough"),
        ({"SECRET_KEY": "ab" * 40}, "SECRET_KEY is not random enough"),
        ({"JWT_SECRET_KEY": "a" * 64}, "JWT_SECRET_KEY is not random enough"),
        ({"SANDBOX_WEBHOOK_SECRET": "x"}, "SANDBOX_WEBHOOK_SECRET is shorter than 32 bytes"),
        ({"CHECKIN_KEYS_SECRET": "x"}, "CHECKIN_KEYS_SECRET is shorter than 32 bytes"),
        ({"PAYOUT_ENCRYPTION_KEY": "x"}, "PAYOUT_ENCRYPTION_KEY is shorter than 32 bytes"),
        ({"METRICS_TOKEN": "m" * 40}, "METRICS_TOKEN is not random enough"),
        ({"SMS_BACKEND": "console"}, "SMS_BACKEND is the console"),
        ({"TWILIO_ACCOUNT_SID": "", "TWILIO_AUTH_TOKEN": ""}, "SMS_BACKEND is the console"),
        ({"SMS_BACKEND": "twilio", "TWILIO_AUTH_TOKEN": ""}, "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID"),
        ({"PAYMENT_PROVIDER": "sandbox"}, "PAYMENT_PROVIDER is sandbox but the sandbox is off"),
    ],
)
def test_production_refuses_weak_or_public_secrets_and_test_doubles(env, message):
    env.setdefault("SECRET_KEY", STRONG)
    with pytest.raises(ValidationError, match=message):
        _production(**env)


def test_production_refuses_every_value_written_in_the_env_example():

    example = Path(__file__).resolve().parents[3] / ".env.example"
    assert f"SECRET_KEY={EXAMPLE_SECRET}" in example.read_text()
    with pytest.raises(ValidationError, match="JWT_SECRET_KEY is a value published"):
        _production(SECRET_KEY=STRONG, JWT_SECRET_KEY=EXAMPLE_SECRET)


def test_production_accepts_real_random_secrets_and_the_sandbox_when_asked_for():

    s = _production(
        SECRET_KEY=secrets.token_urlsafe(48),
        SANDBOX_WEBHOOK_SECRET=secrets.token_hex(32),
        PAYOUT_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        METRICS_TOKEN=secrets.token_urlsafe(32),
        PAYMENT_SANDBOX_ENABLED=True,
        PAYMENT_PROVIDER="sandbox",
    )
    assert (s.sms_backend, s.PAYMENT_PROVIDER) == ("twilio", "sandbox")


def _rsa_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()


def test_google_wallet_key_takes_escaped_newlines_and_must_be_a_pem_rsa_key():
    pem = _rsa_pem()
    escaped = pem.strip().replace("\n", "\\n")
    loaded = Settings(_env_file=None, GOOGLE_WALLET_PRIVATE_KEY=escaped).GOOGLE_WALLET_PRIVATE_KEY
    assert loaded == pem.strip()
    with pytest.raises(ValidationError, match="must be an unencrypted PEM private key"):
        Settings(_env_file=None, GOOGLE_WALLET_PRIVATE_KEY="not a key")
    with pytest.raises(ValidationError, match="GOOGLE_WALLET_ISSUER_ID"):
        Settings(_env_file=None, GOOGLE_WALLET_ISSUER_ID="issuer-abc")


def test_production_refuses_half_a_google_wallet_setup():
    with pytest.raises(ValidationError, match="Google Wallet needs all of GOOGLE_WALLET_ISSUER_ID"):
        _production(SECRET_KEY=STRONG, GOOGLE_WALLET_ISSUER_ID="3388000000022222228")
    s = _production(
        SECRET_KEY=STRONG,
        GOOGLE_WALLET_ISSUER_ID="3388000000022222228",
        GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL="wallet@example.iam.gserviceaccount.com",
        GOOGLE_WALLET_PRIVATE_KEY=_rsa_pem(),
        GOOGLE_WALLET_ORIGINS="https://loopinsocial.in, https://www.loopinsocial.in",
    )
    assert s.GOOGLE_WALLET_ORIGINS == ["https://loopinsocial.in", "https://www.loopinsocial.in"]
