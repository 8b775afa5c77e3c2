"""Periodic jobs of the reception (thin: they call services)."""

from celery import shared_task

from . import services
from .retention import anonymiser_anciens

PERIODIC_TASKS = [
    {"name": "Rendez-vous non honorés → absent", "task": "accueil.tasks.mark_no_shows", "every": 300},
    # Every night: appointments and passages older than RENDEZ_VOUS_RETENTION_MONTHS made anonymous.
    {"name": "accueil.retention", "task": "accueil.tasks.retention", "crontab": {"minute": "30", "hour": "3"}},
]


@shared_task(soft_time_limit=120, time_limit=180)
def mark_no_shows() -> int:
    """Appointments not checked in 30 min after their end become ``absent`` (idempotent)."""
    return services.mark_no_shows()


@shared_task(time_limit=1800, soft_time_limit=1700)
def retention() -> dict:
    """Idempotent: a second run the same day finds nothing left to do."""
    return anonymiser_anciens()
