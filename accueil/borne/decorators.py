from functools import wraps

from django.shortcuts import render
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from . import credentials

LANGUES = ("fr", "en", "ar")
SESSION_LANGUE = "borne_langue"


def kiosk_view(view):
    """A screen of the kiosk: only for a paired, active device (request.borne, set by
    BorneMiddleware); the language is the one chosen on the kiosk (French by default)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        borne = getattr(request, "borne", None)
        langue = request.session.get(SESSION_LANGUE, "fr") if borne else "fr"
        if langue not in LANGUES:
            langue = "fr"
        with translation.override(langue):
            request.LANGUAGE_CODE = langue
            if borne is None:
                response = render(request, "borne/non_appairee.html", {"page_title": "Borne non activée"}, status=403)
            else:
                response = view(request, *args, **kwargs)
                if hasattr(response, "render") and not response.is_rendered:
                    response.render()
                if request.method == "GET" and getattr(borne, "cookie_secret", None):
                    credentials.set_cookie(response, borne, borne.cookie_secret)  # keeps it alive
        response.headers["Content-Language"] = langue
        add_never_cache_headers(response)
        return response

    wrapped.borne_kiosk = True
    return wrapped


def public_kiosk_view(view):
    """Reachable by a kiosk too (pairing page), without requiring one."""
    view.borne_kiosk = True
    return view
