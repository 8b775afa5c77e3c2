"""Periodic tasks are declared in code (``PERIODIC_TASKS`` in each app's ``tasks.py``) and written
to django-celery-beat's tables by ``sync()``, so the schedule is versioned with the code."""

import importlib
import json

from django.apps import apps
from django.db import models, transaction

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


# --- Signs of life and missed schedules (core.beat, config.celery, core.health) ---------------------
# One ``WorkerHeartbeat`` row per signal: "beat" (beat's tick), "worker:<hostname>" (each worker),
# "envoi:<job>" (beat handed a crontab job to the broker), "fait:<job>" (a worker finished it).
SENT_PREFIX = "envoi:"
DONE_PREFIX = "fait:"
WORKER_PREFIX = "worker:"


def record_signal(name: str, at=None) -> None:
    from django.utils import timezone

    from .models import WorkerHeartbeat

    at = at or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(last_seen=at, runs=models.F("runs") + 1)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": at, "runs": 1})


def record_sent(job_name: str, at=None) -> None:
    record_signal(SENT_PREFIX + job_name, at)


def crontab_jobs() -> list[dict]:
    return [spec for spec in declared_tasks() if "crontab" in spec]


def record_done(task_name: str, at=None) -> None:
    """Called by the worker when a task succeeds: remembers it for every crontab job it backs."""
    for spec in crontab_jobs():
        if spec["task"] == task_name:
            record_signal(DONE_PREFIX + spec["name"], at)


def _crontab(spec: dict, now):
    from celery import current_app
    from celery.schedules import crontab

    fields = {"minute": "0", "hour": "*", "day_of_week": "*", "day_of_month": "*", "month_of_year": "*"}
    fields.update(spec["crontab"])
    return crontab(**fields, nowfun=lambda: now, app=current_app)


def missed_jobs(now=None) -> list[dict]:
    """Crontab jobs whose due time passed since they were last sent or done (beat or the worker
    was down). A job never seen before gets a baseline now instead of running at once."""
    from django.utils import timezone

    from .dates import PARIS
    from .models import WorkerHeartbeat

    now = (now or timezone.now()).astimezone(PARIS)
    jobs = crontab_jobs()
    seen = dict(
        WorkerHeartbeat.objects.filter(
            name__in=[p + spec["name"] for spec in jobs for p in (SENT_PREFIX, DONE_PREFIX)]
        ).values_list("name", "last_seen")
    )
    missed = []
    for spec in jobs:
        times = [seen[p + spec["name"]] for p in (SENT_PREFIX, DONE_PREFIX) if p + spec["name"] in seen]
        if not times:
            record_sent(spec["name"], at=now)
            continue
        last = max(times).astimezone(now.tzinfo)
        if _crontab(spec, now).is_due(last).is_due:
            missed.append(spec)
    return missed
