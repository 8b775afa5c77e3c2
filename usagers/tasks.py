from celery import shared_task

from . import services

PERIODIC_TASKS = [
    # Every night: anonymize visitors without contact for USAGERS_RETENTION_MONTHS, purge old journal entries.
    {"name": "usagers.retention", "task": "usagers.tasks.retention", "crontab": {"minute": "15", "hour": "3"}},
]


@shared_task(time_limit=1800, soft_time_limit=1700)
def retention() -> dict:
    """Idempotent: a second run the same day finds nothing left to do."""
    return {"anonymises": services.apply_retention(), "journal_purge": services.purge_journal()}
