"""Periodic jobs of the reception (thin: they call services)."""

from celery import shared_task

from . import services

PERIODIC_TASKS = [
    {"name": "Rendez-vous non honorés → absent", "task": "accueil.tasks.mark_no_shows", "every": 300},
]


@shared_task(soft_time_limit=120, time_limit=180)
def mark_no_shows() -> int:
    """Appointments not checked in 30 min after their end become ``absent`` (idempotent)."""
    return services.mark_no_shows()
