"""The device credential: a long-lived signed cookie ``<borne id>:<secret>``; the database keeps
only SHA-256(secret). Signing (SECRET_KEY) stops forged ids; the hash makes revocation immediate."""

import secrets

from django.conf import settings
from django.core import signing
from django.utils import timezone

from core.input_guard import is_id

from .models import Borne

SALT = "borne.identifiant"
MAX_AGE = 400 * 24 * 3600  # browsers cap cookies at 400 days; every kiosk request renews it
RENEW_AFTER = 24 * 3600
SEEN_EVERY = 300


def cookie_name() -> str:
    return "__Host-borne" if settings.SESSION_COOKIE_SECURE else "borne"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def set_cookie(response, borne: Borne, secret: str) -> None:
    response.set_signed_cookie(
        cookie_name(),
        f"{borne.pk}:{secret}",
        salt=SALT,
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        path="/",
    )


def delete_cookie(response) -> None:
    response.delete_cookie(cookie_name(), path="/", samesite="Lax")


def read(request) -> tuple[int, str] | None:
    try:
        value = request.get_signed_cookie(cookie_name(), salt=SALT, max_age=MAX_AGE)
    except (KeyError, signing.BadSignature):
        return None
    pk, _, secret = value.partition(":")
    if not is_id(pk) or not secret:
        return None
    return int(pk), secret


def borne_from_request(request) -> Borne | None:
    """The active device the request comes from, or None (absent, forged, revoked or replaced)."""
    parsed = read(request)
    if parsed is None:
        return None
    pk, secret = parsed
    borne = Borne.objects.select_related("mds").filter(pk=pk).first()
    if borne is None or not borne.identifiant_valide(secret) or not borne.mds.active:
        return None
    now = timezone.now()
    if borne.vue_le is None or (now - borne.vue_le).total_seconds() > SEEN_EVERY:
        Borne.objects.filter(pk=borne.pk).update(vue_le=now)
    borne.cookie_secret = secret
    return borne
