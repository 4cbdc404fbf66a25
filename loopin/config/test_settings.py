"""Django settings for the test suite: the environment defaults tests need, set before Settings loads."""

import os

# Jobs run in-process during tests; the Redis run still uses Redis for cache and rate limits.
os.environ.setdefault("ENVIRONMENT", "test")
os.environ.setdefault("CELERY_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# The race tests start hundreds of threads at once on a pool of DATABASE_POOL_MAX connections; on a loaded
# machine the last of them may wait longer than production's 10 s for its turn. They prove no oversell, not
# latency (the 503 on a pool timeout is proven by faults/, with its own setting).
os.environ.setdefault("DATABASE_POOL_TIMEOUT", "60")
os.environ.setdefault("DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "..", "var", "test"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    # pytest -n: each worker its own files (SQLite test database, media) and Redis keys.
    os.environ["DATA_DIR"] = os.path.join(os.environ["DATA_DIR"], os.environ["PYTEST_XDIST_WORKER"])
    os.environ["REDIS_KEY_PREFIX"] = (
        os.environ.get("REDIS_KEY_PREFIX", "loopin") + "-" + os.environ["PYTEST_XDIST_WORKER"]
    )

from loopin.config.django_settings import *  # noqa: F403

# loopin.testing brings the suite's fast `flush` (loopin/testing/management/commands/flush.py).
INSTALLED_APPS = [*INSTALLED_APPS, "loopin.testing"]  # noqa: F405

# Staff passwords in tests need no work factor (the admin tests sign in many times).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The race tests put hundreds of threads on one SQLite file; on a loaded machine (two pytest workers and more)
# a writer may wait longer than production's 20 s busy timeout for its turn.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"]["timeout"] = 120  # noqa: F405
