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
    """Directors, coordinateurs and admins must activate TOTP before using anything else."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/healthz", "/i18n/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.role in settings.MFA_REQUIRED_ROLES
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not _has_totp(user)
        ):
            messages.info(
                request,
                "La double authentification est obligatoire pour votre rôle : activez une application "
                "d'authentification pour continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
