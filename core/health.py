"""Health endpoints (docs/operations.md):

- ``/healthz``: liveness. 200 as long as this web process answers; touches neither PostgreSQL nor
  Redis, so a database outage does not get web containers killed (they serve the 503 page).
- ``/healthz/ready``: readiness, JSON. 200 only when PostgreSQL and Redis answer, a Celery worker
  wrote its heartbeat within ``HEALTH_WORKER_STALE_SECONDS``, beat ticked within
  ``HEALTH_BEAT_STALE_SECONDS`` and no message of the outbox is due for more than
  ``HEALTH_OUTBOX_LATE_SECONDS``; 503 otherwise, with what is wrong.
"""

import importlib

import redis
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from .periodic import WORKER_PREFIX

OK, STALE, MISSING, ERROR, UNKNOWN = "ok", "en retard", "absent", "erreur", "inconnu"


def check_database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def check_redis() -> bool:
    try:
        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=1, socket_timeout=1)
        return bool(client.ping())
    except Exception:
        return False


def _age(moment, now) -> int | None:
    return None if moment is None else max(0, round((now - moment).total_seconds()))


def _signal(last_seen, threshold: int, now) -> dict:
    age = _age(last_seen, now)
    status = MISSING if age is None else (OK if age <= threshold else STALE)
    return {
        "status": status,
        "dernier_signal": last_seen.isoformat() if last_seen else None,
        "age_s": age,
        "seuil_s": threshold,
    }


def signals(now=None) -> dict:
    """Last worker heartbeat, last beat tick and the outbox backlog (3 queries)."""
    from django.db.models import Max

    from .models import WorkerHeartbeat

    now = now or timezone.now()
    worker = WorkerHeartbeat.objects.filter(name__startswith=WORKER_PREFIX).aggregate(last=Max("last_seen"))["last"]
    beat = WorkerHeartbeat.objects.filter(name="beat").values_list("last_seen", flat=True).first()
    return {
        "worker": _signal(worker, settings.HEALTH_WORKER_STALE_SECONDS, now),
        "beat": _signal(beat, settings.HEALTH_BEAT_STALE_SECONDS, now),
        "outbox": outbox(now),
    }


def worker_signal(hostname: str, now=None) -> dict:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    name = f"{WORKER_PREFIX}{hostname}"
    last = WorkerHeartbeat.objects.filter(name=name).values_list("last_seen", flat=True).first()
    return _signal(last, settings.HEALTH_WORKER_STALE_SECONDS, now)


def outbox(now) -> dict:
    """Messages due and not sent yet. Read through the app registry: core does not import the
    feature apps (the outbox lives in ``notifications``)."""
    threshold = settings.HEALTH_OUTBOX_LATE_SECONDS
    if not apps.is_installed("notifications"):
        return {"status": OK, "en_attente": 0, "plus_ancien_du": None, "retard_s": None, "seuil_s": threshold}
    from django.db.models import Count, Min

    status_enum = importlib.import_module("notifications.enums").Status
    message = apps.get_model("notifications", "Message")
    due = message.objects.filter(status=status_enum.PLANIFIE, send_at__lte=now).aggregate(
        count=Count("pk"), oldest=Min("send_at")
    )
    late = _age(due["oldest"], now)
    return {
        "status": OK if late is None or late <= threshold else STALE,
        "en_attente": due["count"],
        "plus_ancien_du": due["oldest"].isoformat() if due["oldest"] else None,
        "retard_s": late,
        "seuil_s": threshold,
    }


@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
def ready(request):
    body = {"postgresql": OK if check_database() else ERROR, "redis": OK if check_redis() else ERROR}
    if body["postgresql"] == OK:
        try:
            body.update(signals())
        except Exception:
            body["postgresql"] = ERROR
    for part in ("worker", "beat", "outbox"):
        body.setdefault(part, {"status": UNKNOWN})
    healthy = all((v if isinstance(v, str) else v["status"]) == OK for v in body.values())
    return JsonResponse({"status": "ok" if healthy else "indisponible", **body}, status=200 if healthy else 503)
