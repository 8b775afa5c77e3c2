"""Reject hostile request input early, with a French 400 page, before any view parses it.

- A NUL byte in the path, a query value or a form value (PostgreSQL refuses NUL in text, so it would
  otherwise reach the database and give a 500);
- a query string longer than ``MAX_QUERY_STRING`` characters (no screen of the project needs one; the
  login redirect that repeats it in ``?next=`` would exceed Django's redirect limit; gunicorn itself
  refuses request lines over 4 KB).

Dates are bounded where they are parsed: ``core.dates.parse_date_param``; identifiers read from a
request are checked with ``is_id`` before they reach a query.
"""

import re

from django.http import JsonResponse
from django.shortcuts import render

MAX_QUERY_STRING = 4096
_ID_RE = re.compile(r"[0-9]{1,18}")  # ASCII only, and within PostgreSQL's bigint


def is_id(value) -> bool:
    """Whether a request value can be a primary key. ``str.isdigit`` is not enough: « ² » and « ٣ »
    are digits to Python, and 20 nines overflow bigint — each a 500 instead of « not found »."""
    return isinstance(value, str) and _ID_RE.fullmatch(value) is not None


def _bad_request(request, text):
    if request.path.startswith("/api/"):  # the JSON API answers its errors in JSON (docs/interop.md)
        return JsonResponse({"error": text}, status=400)
    return render(request, "error.html", {"status": 400, "title": "Requête incorrecte", "text": text}, status=400)


def _has_nul(query_dict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists())


class HostileInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return _bad_request(request, "L'adresse demandée est trop longue.")
        try:
            hostile = "\x00" in request.path or _has_nul(request.GET)
            if (
                not hostile
                and request.method == "POST"
                and request.content_type
                in (
                    "application/x-www-form-urlencoded",
                    "multipart/form-data",
                )
            ):
                hostile = _has_nul(request.POST)
        except Exception:  # noqa: BLE001 — a body Django cannot parse is a bad request, not a crash
            return _bad_request(request, "Le formulaire envoyé n'a pas pu être lu.")
        if hostile:
            return _bad_request(
                request,
                "Le texte envoyé contient un caractère invalide (caractère nul). Retapez-le sans copier-coller.",
            )
        return self.get_response(request)
