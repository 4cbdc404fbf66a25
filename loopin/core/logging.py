"""Structured logs: JSON lines, one per request, with the request id bound to every line.

structlog renders through the standard library's logging, so Django's, Celery's and uvicorn's
records come out in the same format and one level setting governs them all.
"""

from __future__ import annotations

import logging
import re
import sys

import structlog

_configured = False

# Paths whose segment is a secret (a calendar feed's token): the request log writes the placeholder instead.
_SECRET_PATHS = (re.compile(r"^(/api/v2/calendar/)[^/]+(\.ics)$"),)


def loggable_path(path: str) -> str:
    """The request path as it may be logged: secret segments replaced by `<token>`."""
    for pattern in _SECRET_PATHS:
        path = pattern.sub(r"\1<token>\2", path)
    return path


def configure_logging(level: str = "INFO", fmt: str = "json") -> None:
    global _configured
    if _configured:
        return
    _configured = True
    renderer = structlog.processors.JSONRenderer() if fmt == "json" else structlog.dev.ConsoleRenderer()
    shared = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
            foreign_pre_chain=shared,
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's access log would print query strings; our request line replaces it.
    logging.getLogger("uvicorn.access").disabled = True
    # Twilio's client logs each request's form at INFO: that holds the phone number and the SMS body.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # The test client logs every URL it calls; noise, not our request line.
    logging.getLogger("httpx2").setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    return structlog.get_logger(name)
