from celery import shared_task

from . import services

PERIODIC_TASKS = [
    # Every night: anonymize visitors without contact for USAGERS_RETENTION_MONTHS, purge old journal entries.
    {"name": "usagers.retention", "task": "usagers.tasks.retention", "crontab": {"minute": "15", "hour": "3"}},
    # Every 10 minutes: checkpoint of the access journal's head (docs/securite.md).
    {"name": "usagers.journal_checkpoint", "task": "usagers.tasks.journal_checkpoint", "every": 600},
]


@shared_task(time_limit=1800, soft_time_limit=1700)
def retention() -> dict:
    """Idempotent: a second run the same day finds nothing left to do."""
    return {"anonymises": services.apply_retention(), "journal_purge": services.purge_journal()}


@shared_task(time_limit=300, soft_time_limit=280)
def journal_checkpoint() -> int | None:
    from .journal import checkpoint

    point = checkpoint()
    return point.numero if point else None
