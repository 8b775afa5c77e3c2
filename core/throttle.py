"""Throttling of the one door (docs/securite.md, « Limitation des tentatives »).

Rules (fixed windows, never permanent, one generic French message that says nothing of the
account's existence):

- **address + account**: 5 failures in 15 minutes → that account is refused from that address until
  the window ends (stops guessing one colleague's password from inside the office, without locking
  the others);
- **account**: 20 failures in 30 minutes, whatever the address → refused (distributed guessing);
- **address, many accounts** (credential stuffing): failures on 10 different accounts in 15 minutes
  from one address → from that address, only accounts that already signed in *on this browser*
  (signed ``mds_appareil`` cookie) may still try: a colleague's correct password still opens,
  unknown accounts are refused;
- **TOTP**: after 5 wrong codes in 10 minutes for an account, each new try waits 30 seconds after
  the previous wrong one — the right code is never refused longer than that.

Counters live in Redis; when Redis does not answer they fall back to a PostgreSQL table
(``core.CompteurTentatives``), so login keeps working — and keeps being throttled — during an outage.
"""

import hashlib
import logging
import time

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone

logger = logging.getLogger("mds.throttle")

MESSAGE = "Trop de tentatives de connexion. Patientez quelques minutes avant de réessayer."
TOTP_MESSAGE = "Trop de codes incorrects : patientez 30 secondes avant de saisir un nouveau code."

IP_ACCOUNT = (5, 15 * 60)
ACCOUNT = (20, 30 * 60)
IP_STUFFING = (10, 15 * 60)
TOTP = (5, 10 * 60)
TOTP_DELAY = 30
DEVICE_COOKIE = "mds_appareil"
DEVICE_MAX_AGE = 90 * 24 * 3600
DEVICE_SALT = "core.throttle.appareil"


def _digest(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}|{value}".encode()).hexdigest()[:32]


def account_key(login: str) -> str:
    return _digest("compte:" + (login or "").strip().lower())


def client_ip(request) -> str:
    from allauth.account.adapter import get_adapter

    try:
        return get_adapter(request).get_client_ip(request)
    except Exception:  # noqa: BLE001 — no address: one shared bucket
        return "inconnue"


# --- Storage: Redis first, PostgreSQL when Redis is down ------------------------------------------
_redis_down_until = 0.0


def _redis():
    if time.monotonic() < _redis_down_until:
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _prefixed(key: str) -> str:
    return f"mds:throttle:{key}"


def _pg_incr(key: str, ttl: int, only_if_new: bool = False) -> int:
    expires = timezone.now() + timezone.timedelta(seconds=ttl)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_compteurtentatives WHERE expire_le < now()")
        if only_if_new:
            cursor.execute(
                "INSERT INTO core_compteurtentatives (cle, nombre, expire_le) VALUES (%s, 1, %s) "
                "ON CONFLICT (cle) DO NOTHING RETURNING nombre",
                [key, expires],
            )
            return 1 if cursor.fetchone() else 0
        cursor.execute(
            "INSERT INTO core_compteurtentatives (cle, nombre, expire_le) VALUES (%s, 1, %s) "
            "ON CONFLICT (cle) DO UPDATE SET nombre = core_compteurtentatives.nombre + 1 RETURNING nombre",
            [key, expires],
        )
        return cursor.fetchone()[0]


_MISSING = object()


def _on_redis(operation):
    """``operation(client)``, or ``_MISSING`` when Redis does not answer (then skipped for 30 s)."""
    global _redis_down_until
    client = _redis()
    if client is None:
        return _MISSING
    try:
        return operation(client)
    except Exception:  # noqa: BLE001 — any Redis failure: PostgreSQL takes over
        _redis_down_until = time.monotonic() + 30
        logger.warning("throttle: Redis indisponible, compteurs dans PostgreSQL")
        return _MISSING


def incr(key: str, ttl: int) -> int:
    def operation(client):
        pipe = client.pipeline()
        pipe.incr(_prefixed(key))
        pipe.expire(_prefixed(key), ttl, nx=True)
        return int(pipe.execute()[0])

    value = _on_redis(operation)
    return _pg_incr(key, ttl) if value is _MISSING else value


def add_once(key: str, ttl: int) -> bool:
    """True the first time ``key`` is seen in its window."""
    value = _on_redis(lambda client: bool(client.set(_prefixed(key), 1, nx=True, ex=ttl)))
    return bool(_pg_incr(key, ttl, only_if_new=True)) if value is _MISSING else value


def get_many(*keys: str) -> list[int]:
    """The counters — for each, the larger of Redis's and PostgreSQL's, so counts made during an
    outage still hold once Redis is back. One round trip to each store."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cle, nombre FROM core_compteurtentatives WHERE cle = ANY(%s) AND expire_le >= now()", [list(keys)]
        )
        stored = dict(cursor.fetchall())
    cached = _on_redis(lambda client: client.mget([_prefixed(k) for k in keys]))
    if cached is _MISSING:
        cached = [None] * len(keys)
    return [max(int(c or 0), stored.get(k, 0)) for k, c in zip(keys, cached, strict=True)]


def get(key: str) -> int:
    return get_many(key)[0]


def delete(*keys: str) -> None:
    _on_redis(lambda client: client.delete(*[_prefixed(k) for k in keys]))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_compteurtentatives WHERE cle = ANY(%s)", [list(keys)])


def _set(key: str, value: int, ttl: int) -> None:
    if _on_redis(lambda client: client.set(_prefixed(key), value, ex=ttl)) is not _MISSING:
        return
    expires = timezone.now() + timezone.timedelta(seconds=ttl)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_compteurtentatives (cle, nombre, expire_le) VALUES (%s, %s, %s) "
            "ON CONFLICT (cle) DO UPDATE SET nombre = EXCLUDED.nombre, expire_le = EXCLUDED.expire_le",
            [key, value, expires],
        )


def _window(seconds: int) -> int:
    return int(time.time() // seconds)


def _keys(ip: str, account: str) -> dict:
    ip = _digest("ip:" + ip)
    return {
        "ip_account": f"ipc:{ip}:{account}:{_window(IP_ACCOUNT[1])}",
        "account": f"c:{account}:{_window(ACCOUNT[1])}",
        "stuffing": f"ips:{ip}:{_window(IP_STUFFING[1])}",
        "stuffing_seen": f"ipsv:{ip}:{account}:{_window(IP_STUFFING[1])}",
    }


# --- Device cookie: accounts that already signed in on this browser -------------------------------


def known_accounts(request) -> set[str]:
    raw = request.COOKIES.get(DEVICE_COOKIE)
    if not raw:
        return set()
    try:
        return set(signing.loads(raw, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return set()


def remember_device(request, response, login: str) -> None:
    accounts = sorted(known_accounts(request) | {account_key(login)})[-10:]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(accounts, salt=DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- The rules -----------------------------------------------------------------------------------


def login_allowed(request, login: str) -> bool:
    """Checked before the password is even hashed (a flood costs no Argon2 time)."""
    account = account_key(login)
    keys = _keys(client_ip(request), account)
    ip_account, per_account, stuffing = get_many(keys["ip_account"], keys["account"], keys["stuffing"])
    if ip_account >= IP_ACCOUNT[0] or per_account >= ACCOUNT[0]:
        return False
    return stuffing < IP_STUFFING[0] or account in known_accounts(request)


def login_failed(request, login: str) -> None:
    account = account_key(login)
    keys = _keys(client_ip(request), account)
    incr(keys["ip_account"], IP_ACCOUNT[1])
    incr(keys["account"], ACCOUNT[1])
    if add_once(keys["stuffing_seen"], IP_STUFFING[1]):
        incr(keys["stuffing"], IP_STUFFING[1])


def login_succeeded(request, login: str) -> None:
    keys = _keys(client_ip(request), account_key(login))
    delete(keys["ip_account"], keys["account"])


def _totp_keys(user) -> tuple[str, str]:
    user_key = _digest(f"totp:{user.pk}")
    return f"t:{user_key}:{_window(TOTP[1])}", f"tl:{user_key}"


def totp_allowed(user) -> bool:
    count, last = get_many(*_totp_keys(user))
    return count < TOTP[0] or time.time() - last >= TOTP_DELAY


def totp_failed(user) -> None:
    count_key, last_key = _totp_keys(user)
    incr(count_key, TOTP[1])
    _set(last_key, int(time.time()), TOTP[1])


def totp_succeeded(user) -> None:
    delete(*_totp_keys(user))


def clear_all() -> None:
    """Forget every counter (tests, or an administrator after an incident)."""
    global _redis_down_until
    _redis_down_until = 0.0

    def operation(client):
        keys = list(client.scan_iter(match=_prefixed("*"), count=500))
        if keys:
            client.delete(*keys)

    _on_redis(operation)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_compteurtentatives")
