"""French error pages that leak nothing (no exception text, no object names)."""

import sys

from django.shortcuts import render

from .outage import is_database_down, unavailable_response


def _page(request, status, title, text):
    return render(request, "error.html", {"status": status, "title": title, "text": text}, status=status)


def bad_request(request, exception=None):
    return _page(request, 400, "Requête incorrecte", "La demande n'a pas pu être comprise.")


def permission_denied(request, exception=None):
    return _page(request, 403, "Accès refusé", "Vous n'avez pas accès à cette page avec votre rôle actuel.")


def page_not_found(request, exception=None):
    return _page(request, 404, "Page introuvable", "Cette page n'existe pas ou n'est pas accessible depuis votre MDS.")


def server_error(request):
    if is_database_down(sys.exc_info()[1]):
        return unavailable_response()  # rendered without the database
    return _page(request, 500, "Erreur du service", "Une erreur est survenue. L'équipe technique a été prévenue.")
