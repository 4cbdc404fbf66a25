"""The one place that reads the environment.

Every other module asks `get_settings()`; Django's settings module is derived from it.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from loopin.core.rates import parse_rate

BASE_DIR = Path(__file__).resolve().parents[2]

# Used only outside production; a production start with it refuses to boot.
DEV_SECRET_KEY = "dev-insecure-loopin-secret-key-change-me-0123456789"
MIN_SECRET_BYTES = 32
MIN_SECRET_BITS = 128  # estimated entropy (Shannon, per character x length) a production secret must carry
# Values published in this repository (docs, .env.example): a production secret must be none of them.
PUBLIC_EXAMPLE_SECRETS = frozenset({DEV_SECRET_KEY, "change-me-to-a-long-random-string-of-at-least-32-bytes"})
# The secrets production checks for strength (those after SECRET_KEY/JWT_SECRET_KEY only when set).
_OPTIONAL_SECRETS = (
    "SANDBOX_WEBHOOK_SECRET",
    "CHECKIN_KEYS_SECRET",
    "PAYOUT_ENCRYPTION_KEY",
    "METRICS_TOKEN",
    "CALLS_TURN_SECRET",
    "LIVEKIT_API_SECRET",
)


def _example_values() -> frozenset[str]:
    """PUBLIC_EXAMPLE_SECRETS plus every value written in .env.example (it is public)."""
    values = set(PUBLIC_EXAMPLE_SECRETS)
    example = BASE_DIR / ".env.example"
    if example.is_file():
        for line in example.read_text(encoding="utf-8").splitlines():
            name, sep, rest = line.partition("=")
            value = rest.split("#", 1)[0].strip()
            if sep and name.strip() and not name.lstrip().startswith("#") and len(value) >= 8:
                values.add(value)
    return frozenset(values)


def secret_entropy_bits(value: str) -> float:
    """Shannon estimate of a string's entropy: 32 x 'a' is 0 bits, token_urlsafe(32) about 230."""
    if not value:
        return 0.0
    counts = Counter(value)
    per_char = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    return per_char * len(value)


def secret_problem(name: str, value: str, examples: frozenset[str]) -> str | None:
    """Why `value` is not fit to be a production secret, or None."""
    if value in examples:
        return f"{name} is a value published in this repository (.env.example or the docs)"
    if len(value.encode()) < MIN_SECRET_BYTES:
        return f"{name} is shorter than {MIN_SECRET_BYTES} bytes"
    if secret_entropy_bits(value) < MIN_SECRET_BITS:
        return f"{name} is not random enough (repeated or patterned characters; use secrets.token_urlsafe(48))"
    return None


def networks_cover_everything(networks: list[str]) -> bool:
    """True when the networks together cover every IPv4 or every IPv6 address (0.0.0.0/0, or two /1s...)."""
    parsed = [ipaddress.ip_network(n, strict=False) for n in networks]
    v4 = [n for n in parsed if isinstance(n, ipaddress.IPv4Network)]
    v6 = [n for n in parsed if isinstance(n, ipaddress.IPv6Network)]
    covered_v4 = sum(n.num_addresses for n in ipaddress.collapse_addresses(v4)) if v4 else 0
    covered_v6 = sum(n.num_addresses for n in ipaddress.collapse_addresses(v6)) if v6 else 0
    return covered_v4 >= 2**32 or covered_v6 >= 2**128


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


class Settings(BaseSettings):
    # An empty `NAME=` line (as in .env.example) means "the default", not an empty value.
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", env_ignore_empty=True)

    # --- service ---
    ENVIRONMENT: Literal["development", "test", "production"] = "development"
    DEBUG: bool = False
    SECRET_KEY: str = DEV_SECRET_KEY
    JWT_SECRET_KEY: str = ""  # defaults to SECRET_KEY
    ALLOWED_HOSTS: Annotated[list[str], NoDecode] = ["*"]
    CORS_ORIGINS: Annotated[list[str], NoDecode] = []
    CSRF_TRUSTED_ORIGINS: Annotated[list[str], NoDecode] = ["http://localhost:8000", "http://127.0.0.1:8000"]
    # Where links the API hands out point (pictures, checkout, invite and share links). Empty outside
    # production: the scheme, host and port the request came in on (or http://localhost:PORT without a request).
    PUBLIC_BASE_URL: str = ""
    PORT: int = Field(default=8000, ge=1, le=65535)  # the port `make run` serves on
    DISPLAY_TIME_ZONE: str = "Asia/Kolkata"
    DATA_DIR: Path = BASE_DIR / "var"
    LOG_LEVEL: str = "INFO"
    LOG_FORMAT: Literal["json", "console"] = "json"
    MAX_BODY_BYTES: int = 1024 * 1024
    MAX_UPLOAD_BYTES: int = 32 * 1024 * 1024
    # Peers whose X-Forwarded-For is believed (IPs or CIDRs); nobody's by default.
    TRUSTED_PROXIES: Annotated[list[str], NoDecode] = []

    # --- backing services ---
    DATABASE_URL: str = ""  # empty: embedded SQLite under DATA_DIR
    DATABASE_POOL_MIN: int = 2
    DATABASE_POOL_MAX: int = 20
    DATABASE_POOL_TIMEOUT: float = 10.0  # seconds a request waits for a pooled connection before 503
    REDIS_URL: str = ""  # empty: in-process cache, rate limits and eager Celery
    REDIS_KEY_PREFIX: str = "loopin"
    # Seconds a process trusts a checked session (loopin.core.sessioncache). Every change the app makes reaches it
    # at once by pub/sub; this bounds only a raw UPDATE made behind the app's back (SQL console). 0: off.
    SESSION_CACHE_SECONDS: float = Field(default=300.0, ge=0)
    CELERY_ALWAYS_EAGER: bool | None = None  # default: eager exactly when there is no Redis
    # A message a dropped connection could not hand back is redelivered after this long; keep it above the
    # longest retry countdown (600 s) or a waiting retry runs twice.
    CELERY_VISIBILITY_TIMEOUT_SECONDS: int = Field(default=900, ge=1)

    # --- storage ---
    STORAGE_BACKEND: Literal["local", "s3"] = "local"
    MEDIA_URL: str = "/media/"
    S3_BUCKET: str = ""
    S3_ENDPOINT_URL: str = ""
    S3_REGION: str = ""
    S3_ACCESS_KEY_ID: str = ""
    S3_SECRET_ACCESS_KEY: str = ""
    S3_PUBLIC_URL: str = ""

    # --- media pipeline (loopin.media, docs/MEDIA.md) ---
    MEDIA_IMAGE_MAX_BYTES: int = Field(default=15 * 1024 * 1024, ge=1)
    MEDIA_VIDEO_MAX_BYTES: int = Field(default=30 * 1024 * 1024, ge=1)  # multipart: also under MAX_UPLOAD_BYTES
    MEDIA_VIDEO_MAX_SECONDS: int = Field(default=60, ge=1)
    # Embedded mode (no worker): a clip that must be transcoded is done in the request only up to this long.
    MEDIA_INLINE_TRANSCODE_MAX_SECONDS: int = Field(default=15, ge=0)
    MEDIA_ORPHAN_HOURS: int = Field(default=24, ge=1)  # uploads never attached are deleted after this
    MEDIA_UPLOAD_URL_SECONDS: int = Field(default=900, ge=60)  # presigned direct-to-bucket upload lifetime

    # --- moderation (loopin.people.services.reports): this many takedowns within the window suspend posting ---
    TAKEDOWNS_BEFORE_POSTING_SUSPENSION: int = Field(default=3, ge=1)
    TAKEDOWN_WINDOW_DAYS: int = Field(default=90, ge=1)
    POSTING_SUSPENSION_DAYS: int = Field(default=30, ge=1)

    # --- phone sign-in ---
    OTP_LENGTH: int = Field(default=4, ge=4, le=8)
    OTP_TTL_SECONDS: int = 600
    OTP_MAX_ATTEMPTS: int = 3
    OTP_RESEND_COOLDOWN_SECONDS: int = 60
    OTP_MAX_SENDS_PER_HOUR: int = 5
    OTP_MAX_SENDS_PER_DAY: int = 10
    # Wrong codes: at most OTP_MAX_FAILURES_PER_DAY per phone in any 24 h, all networks together (a leaky
    # bucket: OTP_FAILURE_BURST at once, then one every otp_failure_interval_seconds); from one network
    # (phone, IP) at most OTP_FAILURE_BURST_PER_IP at once, refilled at the same pace. See README.
    OTP_MAX_FAILURES_PER_DAY: int = Field(default=10, ge=2)
    OTP_FAILURE_BURST: int = Field(default=4, ge=1)
    OTP_FAILURE_BURST_PER_IP: int = Field(default=3, ge=1)
    OTP_IP_SENDS_PER_HOUR: int = 30
    OTP_IP_VERIFICATIONS_PER_HOUR: int = 60
    PHONE_DEFAULT_REGION: str = "IN"

    SMS_BACKEND: Literal["auto", "console", "twilio"] = "auto"
    SMS_SEND_SYNC: bool | None = None  # default: in the request exactly when there is no worker
    SMS_MAX_RETRIES: int = 5
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: str = ""
    TWILIO_FROM_NUMBER: str = ""
    TWILIO_MESSAGING_SERVICE_SID: str = ""

    # --- public pages and app links (/.well-known/assetlinks.json, /.well-known/apple-app-site-association) ---
    ANDROID_APP_PACKAGE: str = ""  # e.g. in.loopinsocial.app; empty: assetlinks.json lists no app
    ANDROID_CERT_FINGERPRINTS: Annotated[list[str], NoDecode] = []  # SHA-256 of the signing certificate(s)
    IOS_APP_IDS: Annotated[list[str], NoDecode] = []  # TEAMID.bundle.id; empty: no universal links
    APP_URL_SCHEME: str = Field(default="loopin", pattern=r"^[a-z][a-z0-9+.-]*$")  # loopin://e/<id> opens the app
    PLAY_STORE_URL: str = ""
    APP_STORE_URL: str = ""
    PUBLIC_PAGE_CACHE_SECONDS: int = Field(default=60, ge=0)  # Cache-Control max-age of public pages

    # --- events ---
    HOSTS_REQUIRE_APPROVAL: bool = False  # on: only users staff marked as hosts may create events
    EVENT_MAX_DURATION_HOURS: int = 24 * 14
    EVENT_MAX_LEAD_DAYS: int = 730  # an event (created or moved) starts at most this far ahead
    EVENT_MAX_CO_HOSTS: int = Field(default=10, ge=0)  # co-hosts (invited or accepted) per event
    GUEST_MESSAGE_RATE: str = "5/hour"  # messages to guests per event (a `limits` rate: "N/hour", "N/day")

    # --- people ---
    HANDLE_CHANGE_COOLDOWN_DAYS: int = Field(default=14, ge=0)  # a handle can change again after this many days
    HANDLE_REDIRECT_DAYS: int = Field(default=30, ge=0)  # an old handle redirects (and stays reserved) this long
    PHONE_SEARCH_RATE: str = "20/hour"  # exact-number searches per person (slows down number guessing)
    PHONE_INVITE_SMS_RATE: str = "20/day"  # invite-by-phone text messages per host

    # --- tickets at the door ---
    CHECKIN_KEYS_SECRET: str = ""  # encrypts the events' QR signing keys at rest; defaults to SECRET_KEY
    CHECKIN_OPENS_MINUTES: int = Field(default=60, ge=0, le=1440)  # default: check-in opens N min before start

    # --- Apple Wallet passes (loopin.wallet, docs/TICKETING.md); PEM text, "\\n" escapes allowed ---
    WALLET_PASS_TYPE_ID: str = ""  # pass.in.loopinsocial.ticket; empty: passes are not offered (503)
    WALLET_TEAM_ID: str = ""  # the Apple developer team id
    WALLET_ORGANIZATION_NAME: str = "Loopin"
    WALLET_CERT_PEM: str = ""  # the pass type id certificate
    WALLET_KEY_PEM: str = ""  # its private key
    WALLET_KEY_PASSWORD: str = ""  # when the key is encrypted
    WALLET_WWDR_PEM: str = ""  # Apple's WWDR intermediate certificate
    WALLET_WEB_SERVICE_URL: str = ""  # the devices' update service; default: PUBLIC_BASE_URL + /api/wallet
    WALLET_PUSH_BACKEND: Literal["log", "apns"] = "log"  # apns: pushes to Apple (TLS with the pass certificate)
    WALLET_APNS_URL: str = "https://api.push.apple.com"
    WALLET_PUSH_MAX_RETRIES: int = Field(default=5, ge=0)
    # --- Google Wallet: "Add to Google Wallet" save links of tickets (docs/TICKETING.md) ---
    GOOGLE_WALLET_ISSUER_ID: str = Field(default="", pattern=r"^\d*$")  # from the Google Pay & Wallet Console
    GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL: str = ""  # the service account that signs save links (the JWT's iss)
    GOOGLE_WALLET_PRIVATE_KEY: str = ""  # that account's RSA private key, PEM ("\n" escapes allowed); a secret
    GOOGLE_WALLET_ORIGINS: Annotated[list[str], NoDecode] = []  # sites showing the button; default PUBLIC_BASE_URL
    GOOGLE_WALLET_ISSUER_NAME: str = "Loopin"

    ACCESS_TOKEN_MINUTES: int = 60
    # Tokens of the mobile app's dialect (/api/auth/verify-otp): the app never refreshes, so they last this long
    # (its old backend: 30 days). Revocation stays immediate: every request checks the session.
    APP_ACCESS_TOKEN_DAYS: int = Field(default=30, ge=1, le=365)
    REFRESH_TOKEN_ABSOLUTE_DAYS: int = 30
    REFRESH_TOKEN_IDLE_DAYS: int = 14
    # Concurrent refreshes of one token (two requests of one app at once) get the same new pair within
    # this many seconds instead of tripping reuse detection; 0 turns the grace off.
    REFRESH_TOKEN_REUSE_GRACE_SECONDS: int = 30

    # --- payments and payouts ---
    PAYMENT_PROVIDER: Literal["sandbox", "razorpay", "stripe", "payu"] = "sandbox"  # when a client names none
    PAYMENT_SANDBOX_ENABLED: bool | None = None  # the local checkout page; default: on except in production
    PAYMENT_HOLD_MINUTES: int = Field(default=10, ge=1)
    WAITLIST_OFFER_MINUTES: int = Field(default=30, ge=1)  # a freed seat is held this long for the next in line
    PAYMENT_RECONCILE_AFTER_MINUTES: int = Field(default=15, ge=1)  # ask the provider about orders this old
    REFUND_CUTOFF_HOURS: int = Field(default=24, ge=0)  # attendee refunds until this long before the start
    REFUND_PLATFORM_FEE: bool = False  # attendee cancellations also refund the platform fee
    SANDBOX_WEBHOOK_SECRET: str = ""  # defaults to one derived from SECRET_KEY
    RAZORPAY_KEY_ID: str = ""
    RAZORPAY_KEY_SECRET: str = ""
    RAZORPAY_WEBHOOK_SECRET: str = ""
    STRIPE_SECRET_KEY: str = ""
    STRIPE_PUBLISHABLE_KEY: str = ""
    STRIPE_WEBHOOK_SECRET: str = ""
    PAYU_MERCHANT_KEY: str = ""
    PAYU_MERCHANT_SALT: str = ""
    PAYU_BASE_URL: str = "https://test.payu.in"
    PAYU_INFO_URL: str = "https://test.payu.in/merchant/postservice.php?form=2"
    PAYOUT_ENCRYPTION_KEY: str = ""  # Fernet key for bank account numbers; defaults to one derived from SECRET_KEY

    # --- LoopPay credits (loopin.looppay, docs/PAYMENTS.md): a closed-system wallet ---
    # Person-to-person transfers make the wallet a semi-closed PPI (an RBI licence): off unless licensed.
    LOOPPAY_TRANSFERS_ENABLED: bool = False
    LOOPPAY_MAX_BALANCE: Decimal = Field(default=Decimal("10000"), gt=0)  # paid credit a person may hold
    LOOPPAY_MONTHLY_LOAD_CAP: Decimal = Field(default=Decimal("10000"), gt=0)  # top-ups + transfers in, a month
    LOOPPAY_MIN_TOPUP: Decimal = Field(default=Decimal("10"), gt=0)

    # --- GST invoices (loopin.invoices): the platform invoices its fee; hosts invoice their tickets ---
    # The defaults are a made-up development company (a checksum-valid GSTIN of no real taxpayer); production
    # sets the real legal name, GSTIN, state and address.
    GST_PLATFORM_LEGAL_NAME: str = "Loopin Dev Platform (NOT A REAL COMPANY)"
    GST_PLATFORM_GSTIN: str = "29AAAAA0000A1ZY"
    GST_PLATFORM_STATE_CODE: str = Field(default="29", pattern=r"^\d{2}$")  # the platform's registered state
    GST_PLATFORM_ADDRESS: str = "Development address, not for real invoices, Bengaluru 560001"
    GST_DEFAULT_PLACE_OF_SUPPLY: str = Field(default="29", pattern=r"^\d{2}$")  # when no buyer or venue state
    GST_RATE_PERCENT: Decimal = Field(default=Decimal("18"), ge=0, le=100)  # on the platform fee
    GST_PLATFORM_SAC: str = "998599"  # other support services (the booking fee)
    GST_TICKET_SAC: str = "999692"  # admission to events

    # --- onboarding waitlist ---
    WAITLIST_ENABLED: bool = False  # hold first-time profile completions for a random delay
    WAITLIST_MIN_MINUTES: int = Field(default=66, ge=0)
    WAITLIST_MAX_MINUTES: int = Field(default=81, ge=0)

    # --- staff admin and audit ---
    STAFF_TOTP_REQUIRED: bool = False  # always required when ENVIRONMENT=production
    # Admin sign-in lock-out: after N failures (wrong password or authenticator code) the account, and
    # separately the client IP, waits STAFF_LOGIN_LOCK_SECONDS; every further failure doubles the wait, up
    # to STAFF_LOGIN_LOCK_MAX_SECONDS. Failures are remembered for STAFF_LOGIN_FAILURE_MEMORY_SECONDS.
    STAFF_LOGIN_ACCOUNT_FAILURES: int = Field(default=5, ge=1)
    STAFF_LOGIN_IP_FAILURES: int = Field(default=10, ge=1)
    STAFF_LOGIN_LOCK_SECONDS: int = Field(default=60, ge=1)
    STAFF_LOGIN_LOCK_MAX_SECONDS: int = Field(default=3600, ge=1)
    STAFF_LOGIN_FAILURE_MEMORY_SECONDS: int = Field(default=86400, ge=60)
    STAFF_TOTP_LINK_MINUTES: int = Field(default=60, ge=1, le=7 * 24 * 60)  # one-time enrolment link lifetime
    AUDIT_RETENTION_DAYS: int = Field(default=365, ge=1)

    # --- notifications and push ---
    PUSH_BACKEND: Literal["log", "live"] = "log"  # live: OneSignal / FCM devices go to their provider
    PUSH_MAX_RETRIES: int = Field(default=5, ge=0)  # per notification; backoff 10 s, 20 s, ... capped at 10 min
    ONESIGNAL_APP_ID: str = ""
    ONESIGNAL_API_KEY: str = ""
    ONESIGNAL_API_URL: str = "https://api.onesignal.com/notifications"
    FCM_CREDENTIALS_FILE: str = ""  # service-account JSON; empty: application default credentials
    FCM_PROJECT_ID: str = ""
    CAMPAIGN_BATCH_SIZE: int = Field(default=500, ge=1)

    # --- realtime (Socket.IO at /socket.io/) ---
    REALTIME_POLLING_ENABLED: bool = False  # long-polling needs sticky sessions; WebSocket only by default
    REALTIME_PING_INTERVAL: int = Field(default=25, ge=1)  # seconds between heartbeats
    REALTIME_PING_TIMEOUT: int = Field(default=20, ge=1)
    REALTIME_MAX_PAYLOAD_BYTES: int = Field(default=64 * 1024, ge=1024)  # one incoming Socket.IO packet
    REALTIME_SEND_RATE_SOCKET: str = "20/10 seconds"  # messages sent, per socket
    REALTIME_SEND_RATE_USER: str = "60/minute"  # messages sent, per person across sockets and processes
    REALTIME_TYPING_RATE: str = "10/10 seconds"  # typing indicators, per socket
    REALTIME_EVENT_RATE: str = "100/10 seconds"  # any other event, per socket
    CHAT_EDIT_MINUTES: int = Field(default=15, ge=0)  # edits and deletes by the sender within this window
    CHAT_SYNC_LIMIT: int = Field(default=200, ge=1, le=1000)  # messages per conversation per sync answer

    # --- 1:1 calls (WebRTC signalling over the socket; media peer to peer, relayed by TURN) ---
    CALLS_RING_SECONDS: int = Field(default=45, ge=5, le=300)  # an unanswered call ends as missed after this
    CALLS_STUN_URLS: Annotated[list[str], NoDecode] = ["stun:stun.l.google.com:19302"]
    CALLS_TURN_URLS: Annotated[list[str], NoDecode] = []  # e.g. turn:turn.example.com:3478?transport=udp
    CALLS_TURN_SECRET: str = ""  # coturn's static-auth-secret (use-auth-secret): TURN REST credentials
    CALLS_TURN_TTL_SECONDS: int = Field(default=6 * 3600, ge=60, le=7 * 24 * 3600)  # how long credentials last

    # --- audio rooms (media on LiveKit; docs/ROOMS.md) ---
    LIVEKIT_URL: str = ""  # LiveKit's HTTP API, e.g. http://livekit:7880; empty: no media server (embedded)
    LIVEKIT_WS_URL: str = ""  # what apps connect to (wss://…); default: LIVEKIT_URL as ws(s)://
    LIVEKIT_API_KEY: str = ""  # empty outside production: livekit-server --dev's devkey
    LIVEKIT_API_SECRET: str = ""  # signs access tokens and verifies LiveKit's webhooks
    ROOMS_MAX_SPEAKERS: int = Field(default=20, ge=1, le=100)  # hosts + moderators + speakers on stage
    ROOMS_TOKEN_TTL_SECONDS: int = Field(default=6 * 3600, ge=60, le=24 * 3600)  # a LiveKit token's lifetime

    # --- operations: global rate limits, metrics, error reporting ---
    RATE_LIMIT_ENABLED: bool = True
    RATE_LIMIT_ANON: str = "100/minute"  # per client IP, callers without a valid access token
    RATE_LIMIT_USER: str = "1000/minute"  # per signed-in user
    RATE_LIMIT_UPLOAD: str = "50/minute"  # multipart uploads, per user or IP, on top of the above
    METRICS_TOKEN: str = ""  # `Authorization: Bearer <token>` opens /metrics
    METRICS_ALLOWED_NETWORKS: Annotated[list[str], NoDecode] = ["127.0.0.1/32", "::1/128"]
    PROMETHEUS_MULTIPROC_DIR: str = ""  # several workers: an empty writable dir shared by them
    SENTRY_DSN: str = ""
    # schemathesis in the test suite (loopin/testing/fuzz.py): fuzzing-phase examples per operation for a
    # signed-in caller and for an anonymous one, stateful scenarios and steps per scenario, and the seed.
    FUZZ_MAX_EXAMPLES: int = Field(default=4, ge=1)
    FUZZ_ANON_MAX_EXAMPLES: int = Field(default=2, ge=1)
    FUZZ_STATEFUL_MAX_EXAMPLES: int = Field(default=5, ge=1)
    FUZZ_STATEFUL_MAX_STEPS: int = Field(default=5, ge=2)
    FUZZ_SEED: int = 11
    SENTRY_TRACES_SAMPLE_RATE: float = Field(default=0.0, ge=0.0, le=1.0)

    @field_validator(
        "ALLOWED_HOSTS",
        "CORS_ORIGINS",
        "ANDROID_CERT_FINGERPRINTS",
        "IOS_APP_IDS",
        "CSRF_TRUSTED_ORIGINS",
        "TRUSTED_PROXIES",
        "METRICS_ALLOWED_NETWORKS",
        "CALLS_STUN_URLS",
        "CALLS_TURN_URLS",
        "GOOGLE_WALLET_ORIGINS",
        mode="before",
    )
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("TRUSTED_PROXIES", "METRICS_ALLOWED_NETWORKS")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @field_validator(
        "RATE_LIMIT_ANON",
        "RATE_LIMIT_USER",
        "RATE_LIMIT_UPLOAD",
        "REALTIME_SEND_RATE_SOCKET",
        "REALTIME_SEND_RATE_USER",
        "REALTIME_TYPING_RATE",
        "REALTIME_EVENT_RATE",
    )
    @classmethod
    def _rate(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("PUBLIC_BASE_URL")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("PUBLIC_BASE_URL must be an http(s) origin such as https://loopinsocial.in")
        return value.rstrip("/")

    @field_validator("GOOGLE_WALLET_PRIVATE_KEY")
    @classmethod
    def _wallet_key(cls, value: str) -> str:
        value = value.replace("\\n", "\n").strip()
        if value:
            try:
                key = load_pem_private_key(value.encode(), password=None)
            except (ValueError, TypeError):
                raise ValueError("GOOGLE_WALLET_PRIVATE_KEY must be an unencrypted PEM private key") from None
            if not isinstance(key, RSAPrivateKey):
                raise ValueError("GOOGLE_WALLET_PRIVATE_KEY must be an RSA key (Google signs save links with RS256)")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and not value.startswith(("postgres://", "postgresql://", "sqlite://")):
            raise ValueError("DATABASE_URL must be a postgresql:// or sqlite:// URL")
        return value

    @model_validator(mode="after")
    def _production_is_safe(self) -> Settings:
        if not self.JWT_SECRET_KEY:
            self.JWT_SECRET_KEY = self.SECRET_KEY
        if self.WAITLIST_MIN_MINUTES > self.WAITLIST_MAX_MINUTES:
            raise ValueError("WAITLIST_MIN_MINUTES must not exceed WAITLIST_MAX_MINUTES")
        if not self.OTP_FAILURE_BURST_PER_IP <= self.OTP_FAILURE_BURST < self.OTP_MAX_FAILURES_PER_DAY:
            raise ValueError("need OTP_FAILURE_BURST_PER_IP <= OTP_FAILURE_BURST < OTP_MAX_FAILURES_PER_DAY")
        if self.ENVIRONMENT == "production":
            problems = []
            examples = _example_values()
            for name in ("SECRET_KEY", "JWT_SECRET_KEY"):
                value = getattr(self, name)
                if value == DEV_SECRET_KEY:
                    problems.append(f"{name} is the development default")
                elif problem := secret_problem(name, value, examples):
                    problems.append(problem)
            for name in _OPTIONAL_SECRETS:
                value = getattr(self, name)
                if value and (problem := secret_problem(name, value, examples)):
                    problems.append(problem)
            if self.sms_backend == "console":
                problems.append("SMS_BACKEND is the console (codes would be printed, not sent): configure Twilio")
            elif not (self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN):
                problems.append("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")
            if self.PAYMENT_PROVIDER == "sandbox" and not self.payment_sandbox_enabled:
                problems.append("PAYMENT_PROVIDER is sandbox but the sandbox is off: name the real provider")
            if self.DEBUG:
                problems.append("DEBUG must be off")
            if not self.PUBLIC_BASE_URL:
                problems.append("PUBLIC_BASE_URL must be set (the https origin links point to)")
            if "*" in self.ALLOWED_HOSTS:
                problems.append("ALLOWED_HOSTS must name the hosts, not '*'")
            if "*" in self.CORS_ORIGINS:
                problems.append("CORS_ORIGINS must name the origins, not '*'")
            if networks_cover_everything(self.TRUSTED_PROXIES):
                problems.append("TRUSTED_PROXIES must not trust every address (anyone could forge X-Forwarded-For)")
            if networks_cover_everything(self.METRICS_ALLOWED_NETWORKS):
                problems.append("METRICS_ALLOWED_NETWORKS must not open /metrics to every address")
            if not self.RATE_LIMIT_ENABLED:
                problems.append("RATE_LIMIT_ENABLED must be on")
            if self.CALLS_TURN_URLS and not self.CALLS_TURN_SECRET:
                problems.append("CALLS_TURN_URLS needs CALLS_TURN_SECRET (coturn's static-auth-secret)")
            if self.LIVEKIT_URL and not (self.LIVEKIT_API_KEY and self.LIVEKIT_API_SECRET):
                problems.append("LIVEKIT_URL needs LIVEKIT_API_KEY and LIVEKIT_API_SECRET")
            wallet = (
                self.GOOGLE_WALLET_ISSUER_ID,
                self.GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL,
                self.GOOGLE_WALLET_PRIVATE_KEY,
            )
            if any(wallet) and not all(wallet):
                problems.append(
                    "Google Wallet needs all of GOOGLE_WALLET_ISSUER_ID, GOOGLE_WALLET_SERVICE_ACCOUNT_EMAIL and "
                    "GOOGLE_WALLET_PRIVATE_KEY"
                )
            if problems:
                raise ValueError("refusing to start in production: " + "; ".join(problems))
        elif len(self.JWT_SECRET_KEY.encode()) < MIN_SECRET_BYTES:
            raise ValueError(f"JWT_SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes")
        return self

    # --- derived ---
    @property
    def uses_postgres(self) -> bool:
        return self.DATABASE_URL.startswith(("postgres://", "postgresql://"))

    @property
    def wallet_configured(self) -> bool:
        """Every setting a signed pass needs is there (not whether the PEMs parse)."""
        return all(
            (self.WALLET_PASS_TYPE_ID, self.WALLET_TEAM_ID, self.WALLET_CERT_PEM, self.WALLET_KEY_PEM,
             self.WALLET_WWDR_PEM)
        )  # fmt: skip

    @property
    def uses_redis(self) -> bool:
        return bool(self.REDIS_URL)

    @property
    def celery_eager(self) -> bool:
        return (not self.uses_redis) if self.CELERY_ALWAYS_EAGER is None else self.CELERY_ALWAYS_EAGER

    @property
    def payment_sandbox_enabled(self) -> bool:
        """The sandbox hands out tickets without money: never on in production unless asked for."""
        if self.PAYMENT_SANDBOX_ENABLED is None:
            return self.ENVIRONMENT != "production"
        return self.PAYMENT_SANDBOX_ENABLED

    @property
    def sms_send_sync(self) -> bool:
        return self.celery_eager if self.SMS_SEND_SYNC is None else self.SMS_SEND_SYNC

    @property
    def otp_failure_interval_seconds(self) -> int:
        """One wrong code's worth of budget comes back every this many seconds (phone and phone+IP
        buckets alike): burst + 86400 / interval <= OTP_MAX_FAILURES_PER_DAY, so any 24 h holds at most
        that many wrong codes per phone."""
        return math.ceil(86400 / (self.OTP_MAX_FAILURES_PER_DAY - self.OTP_FAILURE_BURST))

    @property
    def staff_totp_required(self) -> bool:
        return self.ENVIRONMENT == "production" or self.STAFF_TOTP_REQUIRED

    @property
    def sms_backend(self) -> str:
        if self.SMS_BACKEND != "auto":
            return self.SMS_BACKEND
        return "twilio" if self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN else "console"


@lru_cache
def get_settings() -> Settings:
    return Settings()
