import logging
import time

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from .models import MDS

request_logger = logging.getLogger("mds.request")
SESSION_MDS_KEY = "current_mds_id"


class RequestLogMiddleware:
    """One structured line per request: method, path (never the query string), status, duration,
    pseudonymous user id. Replaces runserver's access log, which prints query strings."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.monotonic()
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            user = getattr(request, "user", None)
            request_logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - start) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        return response


class CurrentMDSMiddleware:
    """Sets ``request.mds``: the MDS the staff member is working in (switcher in the header)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.mds = None
        request.mds_choices = []
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            choices = list(user.mds_list())
            request.mds_choices = choices
            wanted = request.session.get(SESSION_MDS_KEY)
            request.mds = next((m for m in choices if m.pk == wanted), choices[0] if choices else None)
        return self.get_response(request)


def set_current_mds(request, mds: MDS) -> None:
    request.session[SESSION_MDS_KEY] = mds.pk


class MFARequiredMiddleware:
    """One door with MFA. A user whose role requires MFA (``settings.MFA_REQUIRED_ROLES``), or who
    may enter the Django admin (``is_staff``/``is_superuser``), is let through only once *this
    session* has passed the TOTP step (allauth records each authentication method in the session).
    Otherwise every URL — pages, htmx partials, exports, downloads, ``/admin/`` — redirects to the
    TOTP step, or to TOTP activation when the account has no authenticator yet. A session opened by
    any other door (e.g. ``force_login``) is treated exactly like a password-only one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not mfa_required_for(user):
            return self.get_response(request)
        if session_passed_mfa(request, user):
            return self.get_response(request)
        match = getattr(request, "resolver_match", None) or _resolve(request.path_info)
        url_name = match.url_name if match else None
        if request.path.startswith(settings.STATIC_URL) or url_name in ALWAYS_ALLOWED:
            return self.get_response(request)
        if not _has_totp(user):
            if url_name in ACTIVATION_ALLOWED:
                return self.get_response(request)
            messages.info(
                request,
                "La double authentification est obligatoire pour votre rôle : activez une application "
                "d'authentification pour continuer.",
            )
            return _redirect_to(request, "mfa_activate_totp")
        if url_name in MFA_STEP_ALLOWED:
            return self.get_response(request)
        return _redirect_to(request, "mfa_reauthenticate")


# URL names reachable by a session that has not passed the TOTP step.
ALWAYS_ALLOWED = frozenset({"account_logout", "healthz"})
ACTIVATION_ALLOWED = frozenset({"mfa_activate_totp", "mfa_index", "account_reauthenticate"})
MFA_STEP_ALLOWED = frozenset({"mfa_reauthenticate", "mfa_authenticate"})


def mfa_required_for(user) -> bool:
    return user.role in settings.MFA_REQUIRED_ROLES or user.is_staff or user.is_superuser


def session_passed_mfa(request, user) -> bool:
    """True when this session holds allauth's record of a completed MFA step for this user."""
    from allauth.account.authentication import get_authentication_records

    return any(record.get("method") == "mfa" for record in get_authentication_records(request, user))


def _resolve(path):
    from django.urls import Resolver404, resolve

    try:
        return resolve(path)
    except Resolver404:
        return None


def _redirect_to(request, url_name):
    """Redirect to the MFA step, coming back to the same page afterwards (path only: a query string
    may hold a search term, which must not travel in a URL)."""
    from urllib.parse import urlencode

    target = reverse(url_name)
    if request.method == "GET" and request.path != target:
        target = f"{target}?{urlencode({'next': request.path})}"
    return redirect(target)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
