"""The Celery app, configured from the one Settings object.

With REDIS_URL: Redis is the broker and result backend, and `make worker` / `make beat` run jobs.
Without it (embedded mode): tasks run eagerly, in the process that queues them.
"""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

from loopin.core.metrics import install_task_signals
from loopin.core.sentry import sentry_init
from loopin.core.settings import get_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loopin.config.django_settings")

settings = get_settings()
app = Celery("loopin")
app.conf.update(
    broker_url=settings.REDIS_URL or "memory://",
    # Redis drops must never end the worker: see loopin.config.broker (the transport's one fix).
    broker_transport="loopin.config.broker:Transport" if settings.REDIS_URL else None,
    broker_connection_retry=True,
    broker_connection_max_retries=None,  # retry for as long as Redis is away (default: give up after 100)
    broker_transport_options={
        "visibility_timeout": settings.CELERY_VISIBILITY_TIMEOUT_SECONDS,
        "socket_keepalive": True,
        "health_check_interval": 10,
    },
    # No task returns a result anyone reads: no result backend, so finishing a task needs no Redis write.
    result_backend=None,
    task_ignore_result=True,
    # A late-acked task whose connection died cannot be acknowledged any more: cancel it and let it be
    # redelivered (every task is idempotent) instead of acking into a dead channel (Celery 6's default).
    worker_cancel_long_running_tasks_on_connection_loss=True,
    task_always_eager=settings.celery_eager,
    # Eager runs behave like a worker: failures are recorded and logged, retries re-run in place.
    task_eager_propagates=False,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    accept_content=["json"],
    timezone="UTC",
    enable_utc=True,
    broker_connection_retry_on_startup=True,
    # One queue per deployment: two Loopins sharing a Redis (staging beside production, CI runs) never
    # take each other's jobs.
    task_default_queue=settings.REDIS_KEY_PREFIX,
    beat_schedule={
        "accounts.promote_waitlisted": {"task": "accounts.promote_waitlisted", "schedule": 60.0},
        "audit.purge_expired": {"task": "audit.purge_expired", "schedule": crontab(hour=3, minute=17)},
        "tickets.open_checkins": {"task": "tickets.open_checkins", "schedule": 60.0},
        "tickets.mark_no_shows": {"task": "tickets.mark_no_shows", "schedule": crontab(minute="*/15")},
        "payments.expire_holds": {"task": "payments.expire_holds", "schedule": 60.0},
        "events.expire_request_holds": {"task": "events.expire_request_holds", "schedule": 60.0},
        "events.expire_waitlist_offers": {"task": "events.expire_waitlist_offers", "schedule": 60.0},
        "payments.reconcile": {"task": "payments.reconcile", "schedule": 300.0},
        "payments.reconcile_charges": {"task": "payments.reconcile_charges", "schedule": 300.0},
        "payments.retry_settlements": {"task": "payments.retry_settlements", "schedule": 300.0},
        "notifications.send_reminders": {"task": "notifications.send_reminders", "schedule": 300.0},
        "notifications.send_due_campaigns": {"task": "notifications.send_due_campaigns", "schedule": 60.0},
        "notifications.sweep_pushes": {"task": "notifications.sweep_pushes", "schedule": 300.0},
        "media.delete_orphans": {"task": "media.delete_orphans", "schedule": crontab(minute=23)},
        "stories.expire": {"task": "stories.expire", "schedule": 60.0},
        "calls.expire_ringing": {"task": "calls.expire_ringing", "schedule": 15.0},
        "looppay.expire_promotions": {"task": "looppay.expire_promotions", "schedule": crontab(minute="*/15")},
        "looppay.reconcile": {"task": "looppay.reconcile", "schedule": crontab(hour=2, minute=41)},
        "venuecommerce.expire_unpaid": {"task": "venuecommerce.expire_unpaid", "schedule": 60.0},
        "parking.expire_holds": {"task": "parking.expire_holds", "schedule": 60.0},
        "marketplace.expire_holds": {"task": "marketplace.expire_holds", "schedule": 60.0},
    },
)
app.autodiscover_tasks(
    [
        "loopin.accounts",
        "loopin.audit",
        "loopin.events",
        "loopin.tickets",
        "loopin.payments",
        "loopin.notifications",
        "loopin.media",
        "loopin.stories",
        "loopin.calls",
        "loopin.rooms",
        "loopin.looppay",
        "loopin.venuecommerce",
        "loopin.parking",
        "loopin.marketplace",
    ]
)
install_task_signals()
sentry_init()
