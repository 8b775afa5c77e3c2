from celery import shared_task

from . import services
from .retention import anonymiser_anciennes

PERIODIC_TASKS = [
    {"name": "ateliers: séances sous le minimum", "task": "ateliers.tasks.signaler_seances_sous_minimum", "every": 900},
    # Every night: registrations of séances older than RENDEZ_VOUS_RETENTION_MONTHS made anonymous.
    {"name": "ateliers.retention", "task": "ateliers.tasks.retention", "crontab": {"minute": "40", "hour": "3"}},
]


@shared_task(soft_time_limit=120, time_limit=180, ignore_result=True)
def signaler_seances_sous_minimum():
    """Flag the collective séances still under their minimum N hours before the start (idempotent)."""
    return len(services.signaler_seances_sous_minimum())


@shared_task(time_limit=1800, soft_time_limit=1700)
def retention() -> int:
    """Idempotent: a second run the same day finds nothing left to do."""
    return anonymiser_anciennes()
