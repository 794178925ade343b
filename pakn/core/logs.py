"""Structured logs: one JSON line per log record, a request id on every line, one line per request and per
background job, and never a reporter's personal data (R-3.2).

A request line names the URL *pattern* (`theo-doi/<str:secret>/`), never the path or the query string: the
follow-up secret travels in the path and a search may carry a phone number. Every message and traceback
is also scrubbed of what looks like an e-mail address, a phone or ID number, or a follow-up link, as a second
line of defence for messages written by libraries. docs/operations.md describes the fields.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("pakn_request_id", default="")
request_log = logging.getLogger("pakn.request")
job_log = logging.getLogger("pakn.job")

INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_SCRUBS: tuple[tuple[re.Pattern[str], str], ...] = (
    # A request's repr carries its raw path (a debug line of the template engine prints the whole context).
    (re.compile(r"<(WSGI|ASGI)Request: (\w+) '[^']*'>"), r"<\1Request: \2 [path]>"),
    (re.compile(r"/theo-doi/[^/\s\"'?#]+"), "/theo-doi/[secret]"),
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[email]"),
    # Phone numbers (0912 345 678, +84 912.345.678, 84912345678) and CMND/CCCD numbers (9 or 12 digits).
    (re.compile(r"(?<![\w.])\+?\d(?:[ .]?\d){8,}(?![\w])"), "[number]"),
    (re.compile(r"(?<![\w])\d{3,4}-\d{3}-\d{3,4}(?![\w])"), "[number]"),
)
# Attributes of a LogRecord that go into the JSON line when a caller passed them in `extra`.
FIELDS = ("method", "route", "view", "status", "duration_ms", "user", "task", "task_id", "outcome", "retries")


def scrub(text: str) -> str:
    """Mask what looks like personal data or a follow-up secret in free text."""
    for pattern, replacement in _SCRUBS:
        text = pattern.sub(replacement, text)
    return text


def _route(request: HttpRequest) -> tuple[str, str]:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.route or "-", match.view_name or "-"
    if request.path_info.startswith("/static/"):
        return "static/", "static"
    return "-", "-"


class RequestIdFilter(logging.Filter):
    """Give every record the id of the request or job being handled ("-" outside of both).

    Django logs a 4xx/5xx response ("Not Found: /path") after the middleware has finished, with the raw path:
    such a record carries its request, from which the id is taken and the path replaced by the URL pattern.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request_id = getattr(request, "pakn_request_id", None) or request_id_var.get() or "-"
            if isinstance(record.args, tuple) and len(record.args) == 2 and record.msg == "%s: %s":
                record.args = (record.args[0], _route(request)[0])
        else:
            record.request_id = request_id_var.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, request_id, the known extra fields, exc."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get() or "-",
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exc"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The same records as readable text (for a local demo), scrubbed the same way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("fmt", "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        super().__init__(*args, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get() or "-"
        return scrub(super().format(record))


class RequestLogMiddleware:
    """First middleware: sets the request id (a proxy's X-Request-ID if well formed, else a new one), sends it
    back in X-Request-ID, and writes one line when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        request.pakn_request_id = request_id  # type: ignore[attr-defined]  # for Django's late response log
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            route, view = _route(request)
            user = request.__dict__.get("_cached_user")  # only if authentication ran: no extra query
            request_log.info(
                "%s %s %s",
                request.method,
                route,
                response.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "view": view,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


# --- huey jobs ----------------------------------------------------------------------------------------------
_started: dict[str, tuple[float, contextvars.Token[str]]] = {}
_FINAL = {"complete", "error", "canceled", "expired", "revoked", "locked", "interrupted", "timeout"}


def job_signal(signal: str, task: Any, exc: BaseException | None = None) -> None:
    """Huey signal handler: the job's id becomes the request id of its lines; one line when it ends."""
    if signal == "executing":
        _started[task.id] = (time.monotonic(), request_id_var.set(f"job-{task.id}"))
        return
    if signal not in _FINAL:  # enqueued, scheduled, retrying: not an end (an error line names its retries)
        return
    started, token = _started.pop(task.id, (None, None))
    level = logging.ERROR if signal == "error" else logging.INFO
    extra: dict[str, Any] = {
        "task": task.name,
        "task_id": task.id,
        "outcome": signal,
        "retries": getattr(task, "retries", None),
        "duration_ms": round((time.monotonic() - started) * 1000, 1) if started is not None else None,
    }
    try:
        message = f"job {task.name} {signal}"
        if exc is not None:
            message += f": {type(exc).__name__}"
        job_log.log(level, message, extra=extra)
    finally:
        if token is not None:
            request_id_var.reset(token)


def install_job_logging() -> None:
    """Connect job_signal to the project's huey (called once from the core app's ready())."""
    from huey.contrib.djhuey import HUEY

    HUEY.signal()(job_signal)
