"""Periodic tasks are declared in code (``PERIODIC_TASKS`` in each app's ``tasks.py``) and written
to django-celery-beat's tables by ``sync()``, so the schedule is versioned with the code."""

import importlib
import json

from django.apps import apps
from django.db import transaction

LOCAL_APPS = [
    "core",
    "usagers",
    "notifications",
    "accueil",
    "accueil.borne",
    "mediation",
    "ateliers",
    "pilotage",
    "interop",
]


def declared_tasks() -> list[dict]:
    tasks = []
    for label in LOCAL_APPS:
        if not apps.is_installed(label):
            continue
        try:
            module = importlib.import_module(f"{label}.tasks")
        except ModuleNotFoundError as error:
            if error.name != f"{label}.tasks":
                raise
            continue
        tasks.extend(getattr(module, "PERIODIC_TASKS", []))
    return tasks


@transaction.atomic
def sync() -> tuple[int, int]:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    declared = declared_tasks()
    for spec in declared:
        defaults = {
            "task": spec["task"],
            "kwargs": json.dumps(spec.get("kwargs", {})),
            "enabled": True,
            "interval": None,
            "crontab": None,
        }
        if "every" in spec:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec["every"], period=IntervalSchedule.SECONDS
            )
        else:
            fields = {
                "minute": "0",
                "hour": "*",
                "day_of_week": "*",
                "day_of_month": "*",
                "month_of_year": "*",
            }
            fields.update(spec["crontab"])
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(timezone="Europe/Paris", **fields)
        PeriodicTask.objects.update_or_create(name=spec["name"], defaults=defaults)
    names = [spec["name"] for spec in declared]
    removed, _ = PeriodicTask.objects.exclude(name__in=names).exclude(name__startswith="celery.").delete()
    return len(declared), removed
