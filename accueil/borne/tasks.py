"""Periodic jobs of the kiosk (thin: they call services)."""

from celery import shared_task

from . import services

PERIODIC_TASKS = [
    {
        # After closing time: the numbers typed for « SMS when it is my turn » do not outlive the day.
        "name": "Borne : numéros des SMS « c'est votre tour » effacés en fin de journée",
        "task": "accueil.borne.tasks.purger_alertes_ticket",
        "crontab": {"minute": "0", "hour": "21"},
    },
]


@shared_task(soft_time_limit=60, time_limit=90)
def purger_alertes_ticket() -> int:
    return services.purger_alertes_ticket()
