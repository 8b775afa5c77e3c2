"""Kiosk confinement. A request carrying a valid device cookie is a kiosk: it is never a staff
member (the session user is ignored) and it may only reach the views marked ``@kiosk_view``
(the four flows of its own MDS). Everything else answers 403 or 404."""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve

from . import credentials


class BorneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.borne = None
        if credentials.cookie_name() in request.COOKIES:
            request.borne = credentials.borne_from_request(request)
        if request.borne is None:
            return self.get_response(request)
        request.user = AnonymousUser()
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return render(request, "borne/refus.html", {"status": 404}, status=404)
        if not getattr(match.func, "borne_kiosk", False):
            return render(request, "borne/refus.html", {"status": 403}, status=403)
        response = self.get_response(request)
        if response.status_code == 403 and request.method == "POST":
            # A stale CSRF token after hours on screen: start again quietly rather than show an error.
            return redirect("borne:accueil")
        return response
