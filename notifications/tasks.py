from celery import shared_task
from django.utils.dateparse import parse_datetime

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
    from .dispatch import dispatch_due

    report = dispatch_due(now=parse_datetime(now) if now else None)
    return {k: v for k, v in vars(report).items() if k != "ids"}


@shared_task(time_limit=600, soft_time_limit=580, ignore_result=True)
def anonymize_old_messages() -> int:
    from .retention import anonymize_old_messages as run

    return run()
