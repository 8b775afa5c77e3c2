"""Fixed-window counters in the Django cache (Redis): rate limits per device and per IP.

Limits are configurable with ``BORNE_RATE_LIMITS`` in settings, e.g. ``{"reservation": "30/h"}``."""

from django.conf import settings
from django.core.cache import cache

from core.outage import CACHE_DOWN, cache_unavailable

DEFAULT_LIMITS = {
    # per kiosk device
    "reservation": "30/h",
    "ticket": "60/h",
    "arrivee": "60/h",
    "avis": "120/h",
    "aide": "12/h",
    "atelier": "30/h",
    "ticket_sms": "60/h",
    # per IP address (several tablets may share one address behind the MDS router)
    "reservation_ip": "60/h",
    "ticket_ip": "120/h",
    "arrivee_ip": "120/h",
    "avis_ip": "240/h",
    "aide_ip": "30/h",
    "atelier_ip": "60/h",
    "ticket_sms_ip": "120/h",
    "recherche": "30/10m",
    "annulation_ip": "20/10m",
    "deplacement_ip": "10/h",
    "appairage_ip": "10/10m",
}
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    unit = period[-1]
    amount = int(period[:-1] or 1)
    return int(count), amount * PERIODS[unit]


def limit_for(scope: str) -> tuple[int, int]:
    limits = {**DEFAULT_LIMITS, **getattr(settings, "BORNE_RATE_LIMITS", {})}
    return parse(limits[scope])


def hit(scope: str, key: str) -> bool:
    """Count one action; False when the limit of ``scope`` is exceeded for ``key``."""
    count, period = limit_for(scope)
    cache_key = f"borne:rl:{scope}:{key}"
    try:
        if cache.add(cache_key, 1, timeout=period):
            return True
        try:
            value = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=period)
            return True
    except CACHE_DOWN:  # Redis down: the kiosk keeps working, unlimited until it is back
        cache_unavailable("limite de fréquence")
        return True
    return value <= count


def client_ip(request) -> str:
    """REMOTE_ADDR, or the header set by the reverse proxy when ``BORNE_CLIENT_IP_HEADER`` names it
    (e.g. "HTTP_X_REAL_IP"; only behind a proxy that overwrites it)."""
    header = getattr(settings, "BORNE_CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    return value.split(",")[0].strip() or request.META.get("REMOTE_ADDR", "") or "inconnue"


def allowed(request, scope: str) -> bool:
    """Count the action for the device (if any) and the client IP; both must be within limits."""
    ok = True
    borne = getattr(request, "borne", None)
    if borne is not None:
        ok = hit(scope, f"borne-{borne.pk}") and ok
    ip_scope = f"{scope}_ip" if f"{scope}_ip" in DEFAULT_LIMITS else scope
    return hit(ip_scope, f"ip-{client_ip(request)}") and ok
