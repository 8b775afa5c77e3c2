"""Celery tasks of interop: thin wrappers (ids in, idempotent) around calendars and datainclusion."""

from celery import shared_task
from django.conf import settings

PERIODIC_TASKS = [
    {
        # External busy times: every 30 minutes (an agenda changes during the day).
        "name": "interop.synchroniser_agendas",
        "task": "interop.tasks.synchroniser_agendas",
        "every": 1800,
    },
    {
        # Partners from data·inclusion: nightly, from the files the Département drops
        # (INTEROP_DATA_INCLUSION_FICHIERS); nothing to do when none is configured.
        "name": "interop.importer_data_inclusion",
        "task": "interop.tasks.importer_data_inclusion",
        "crontab": {"minute": "30", "hour": "4"},
    },
]


@shared_task(time_limit=60, soft_time_limit=50)
def synchroniser_agenda(agenda_id: int) -> int:
    from .calendars import synchroniser

    return synchroniser(agenda_id=agenda_id).nombre_occupations


@shared_task(time_limit=15 * 60, soft_time_limit=14 * 60)
def synchroniser_agendas() -> int:
    from .models import AgendaExterne

    ids = list(AgendaExterne.objects.values_list("pk", flat=True))
    for agenda_id in ids:
        synchroniser_agenda.delay(agenda_id)
    return len(ids)


@shared_task(time_limit=30 * 60, soft_time_limit=29 * 60)
def importer_data_inclusion() -> int | None:
    from .datainclusion import importer

    paths = list(getattr(settings, "INTEROP_DATA_INCLUSION_FICHIERS", []))
    if not paths:
        return None
    return importer(*paths).pk
