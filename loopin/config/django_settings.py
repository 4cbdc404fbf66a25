"""Django settings, derived from the one pydantic Settings object."""

from __future__ import annotations

import dj_database_url

from loopin.core.settings import BASE_DIR, get_settings

S = get_settings()
S.DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = S.SECRET_KEY
DEBUG = S.DEBUG
ALLOWED_HOSTS = S.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = S.CSRF_TRUSTED_ORIGINS

INSTALLED_APPS = [
    "loopin.staff.adminconfig.StaffAdminConfig",  # django.contrib.admin with the 2FA site (loopin.staff.site)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "loopin.core",
    "loopin.config",  # binds the Celery app at start-up (loopin.config.apps)
    "loopin.audit",
    "loopin.accounts",
    "loopin.people",
    "loopin.events",
    "loopin.tickets",
    "loopin.wallet",
    "loopin.participation",
    "loopin.payments",
    "loopin.invoices",
    "loopin.looppay",
    "loopin.notifications",
    "loopin.realtime",
    "loopin.chat",
    "loopin.calls",
    "loopin.rooms",
    "loopin.web",
    "loopin.media",
    "loopin.posts",
    "loopin.stories",
    "loopin.albums",
    "loopin.venuecommerce",
    "loopin.parking",
    "loopin.marketplace",
    "loopin.organisations",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "loopin.staff",
]

MIDDLEWARE = [
    "loopin.web.middleware.PublicUrlconfMiddleware",  # the public pages' URLconf (see loopin.web.routes)
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "loopin.staff.middleware.DisplayZoneMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loopin.config.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "loopin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if S.uses_postgres:
    _db = dj_database_url.parse(S.DATABASE_URL)
    _db["CONN_MAX_AGE"] = 0  # the pool keeps connections; Django returns them after each request
    _db["OPTIONS"] = {
        "pool": {"min_size": S.DATABASE_POOL_MIN, "max_size": S.DATABASE_POOL_MAX, "timeout": S.DATABASE_POOL_TIMEOUT}
    }
    DATABASES = {"default": _db}
else:
    _sqlite_path = (
        dj_database_url.parse(S.DATABASE_URL)["NAME"] if S.DATABASE_URL else str(S.DATA_DIR / "loopin.sqlite3")
    )
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock when its transaction starts, so two writers
                # queue on busy_timeout instead of failing with "database is locked" mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": str(S.DATA_DIR / "test-loopin.sqlite3")},
        }
    }

if S.uses_redis:
    CACHES = {
        "default": {
            "BACKEND": "loopin.core.cache.SharedPoolRedisCache",  # one pool per process, not per request
            "LOCATION": S.REDIS_URL,
            "KEY_PREFIX": S.REDIS_KEY_PREFIX,
            # A dead Redis must fail fast: callers of the cache fall back to the database.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "loopin"}}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # storage; Django's pages show S.DISPLAY_TIME_ZONE (loopin.staff.middleware)
FORMAT_MODULE_PATH = ["loopin.config.formats"]  # admin times name their zone ("7:30 p.m. IST")

STATIC_URL = "/django/static/"
STATIC_ROOT = S.DATA_DIR / "static"
MEDIA_URL = S.MEDIA_URL
MEDIA_ROOT = S.DATA_DIR / "media"

if S.STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S.S3_BUCKET,
            "endpoint_url": S.S3_ENDPOINT_URL or None,
            "region_name": S.S3_REGION or None,
            "access_key": S.S3_ACCESS_KEY_ID or None,
            "secret_key": S.S3_SECRET_ACCESS_KEY or None,
            "custom_domain": S.S3_PUBLIC_URL or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_PATH = "/django/"
CSRF_COOKIE_PATH = "/django/"
SESSION_COOKIE_SECURE = S.ENVIRONMENT == "production"
CSRF_COOKIE_SECURE = S.ENVIRONMENT == "production"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if S.TRUSTED_PROXIES else None
DATA_UPLOAD_MAX_MEMORY_SIZE = S.MAX_BODY_BYTES

# Staff two-factor (django-otp): the authenticator app shows "Loopin"; TOTP keys never show in the admin.
OTP_TOTP_ISSUER = "Loopin"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Logging is configured by loopin.core.logging (structlog) so Django must not reset it.
LOGGING_CONFIG = None
