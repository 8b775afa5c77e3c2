from celery import shared_task
from django.db.models import F
from django.utils import timezone

from .models import WorkerHeartbeat

# Periodic tasks defined in code; `manage.py sync_periodic_tasks` writes them to django-celery-beat.
# Each entry: name, task, and either "every" (seconds) or "crontab" (dict of crontab fields).
PERIODIC_TASKS = [
    {"name": "core.heartbeat", "task": "core.tasks.heartbeat", "every": 300, "kwargs": {"name": "chaine"}},
]


@shared_task(time_limit=30, soft_time_limit=25)
def heartbeat(name: str = "worker") -> int:
    """Idempotent: one row per name, bumped on every run."""
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(last_seen=now, runs=F("runs") + 1)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(name=name, defaults={"last_seen": now, "runs": 1})
    return WorkerHeartbeat.objects.get(name=name).runs
