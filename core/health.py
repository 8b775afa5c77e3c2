"""/healthz: 200 only when PostgreSQL and Redis both answer, 503 otherwise (JSON body)."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse


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


def healthz(request):
    checks = {"postgresql": check_database(), "redis": check_redis()}
    healthy = all(checks.values())
    body = {
        "status": "ok" if healthy else "indisponible",
        **{k: "ok" if v else "erreur" for k, v in checks.items()},
    }
    return JsonResponse(body, status=200 if healthy else 503)
