"""Celery side of the outbox: the dispatcher task (beat every minute) and the nudge that asks a
worker to run it at once after a commit."""

import logging
import threading

from celery import shared_task
from django.utils.dateparse import parse_datetime

from . import conf
from .dispatch import dispatch_due
from .retention import anonymize_old_messages as anonymize_old

logger = logging.getLogger(__name__)

PERIODIC_TASKS = [
    {"name": "notifications.dispatch", "task": "notifications.tasks.dispatch", "every": 60},
    {
        "name": "notifications.retention",
        "task": "notifications.tasks.anonymize_old_messages",
        "crontab": {"minute": "40", "hour": "3"},
    },
]


@shared_task(time_limit=110, soft_time_limit=100, ignore_result=True)
def dispatch(now: str | None = None) -> dict:
    """Every minute (beat) and right after a booking (nudge). ``now`` (ISO) replays a run at a given
    clock (tests, incident recovery); normally absent."""
    report = dispatch_due(now=parse_datetime(now) if now else None)
    return {k: v for k, v in vars(report).items() if k != "ids"}


@shared_task(time_limit=600, soft_time_limit=580, ignore_result=True)
def anonymize_old_messages() -> int:
    return anonymize_old()


def kick_dispatcher() -> None:
    """Ask a worker to run the dispatcher now, from a background thread: the web request never
    waits on the broker. Without Redis the nudge is dropped (logged) and the message waits for the
    next beat run, at most a minute after Redis is back."""
    threading.Thread(target=_kick, name="notifications-kick", daemon=True).start()


def _kick() -> None:
    options = {"retry": False}
    queue = conf.get("NOTIFICATIONS_DISPATCH_QUEUE")
    if queue:
        options["queue"] = queue
    try:
        with dispatch.app.connection_for_write() as connection:
            # Bounded: one quick attempt (kombu would otherwise retry for seconds).
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            dispatch.apply_async(connection=connection, **options)
    except Exception as exc:  # broker down, DNS, anything: the outbox row is safe in PostgreSQL
        logger.warning(
            "notifications: relance du répartiteur impossible (%s), envoi au prochain passage", type(exc).__name__
        )
