from celery import shared_task

from . import services

PERIODIC_TASKS = [
    {"name": "ateliers: séances sous le minimum", "task": "ateliers.tasks.signaler_seances_sous_minimum", "every": 900},
]


@shared_task(soft_time_limit=120, time_limit=180, ignore_result=True)
def signaler_seances_sous_minimum():
    """Flag the collective séances still under their minimum N hours before the start (idempotent)."""
    return len(services.signaler_seances_sous_minimum())
