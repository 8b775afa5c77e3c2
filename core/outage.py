"""PostgreSQL down → every page answers 503 "Service momentanément indisponible", in French, with
``Retry-After``, rendered without touching the database (no session, no user, no context processor).

``DatabaseUnavailableMiddleware`` sits before the session and authentication middlewares. It opens
(or health-checks) the connection the request would open anyway — no extra query — and answers 503
when that fails; a database error raised later by a view gets the same page (``process_exception``),
and so does one raised anywhere else (``core.errors.server_error``). ``/healthz`` and static files
are left alone: they answer without the database.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

DATABASE_DOWN = (OperationalError, InterfaceError)
logger = logging.getLogger("mds.outage")


def _cache_down_errors() -> tuple:
    from django_redis.exceptions import ConnectionInterrupted

    return (ConnectionInterrupted, redis.RedisError)


# Redis down, as raised by the Django cache (django-redis) or redis-py: callers that can do without
# the cache (rate limits, double-submit guards) catch these and carry on (see docs/operations.md).
CACHE_DOWN = _cache_down_errors()


def cache_unavailable(what: str) -> None:
    logger.warning("Redis injoignable : %s sans le cache", what)


# The page needs no script: a strict policy of its own (the CSP middleware is further in).
PAGE_CSP = "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"


def is_database_down(error: BaseException | None) -> bool:
    return isinstance(error, DATABASE_DOWN)


def unavailable_response() -> HttpResponse:
    html = render_to_string(
        "503.html",
        {
            "status": 503,
            "title": "Service momentanément indisponible",
            "text": "Le service ne peut pas accéder à ses données pour le moment. "
            "Réessayez dans quelques instants : rien de ce qui a déjà été enregistré n'est perdu.",
            "site_name": settings.MDS_SITE_NAME,
            "departement_name": settings.MDS_DEPARTEMENT_NAME,
        },
    )
    response = HttpResponse(html, status=503)
    response["Retry-After"] = str(settings.OUTAGE_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = PAGE_CSP
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.exempt = ("/healthz", settings.STATIC_URL)

    def __call__(self, request):
        if not request.path.startswith(self.exempt):
            try:
                connection.close_if_health_check_failed()
                connection.ensure_connection()
            except DATABASE_DOWN:
                connection.close()
                return unavailable_response()
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            connection.close()
            return unavailable_response()
        return None
