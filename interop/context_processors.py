"""Warnings of the interop app on the director's home (an external agenda that cannot be read):
a context processor, so that core's home names no interop model."""

from core.permissions import can


def alertes(request):
    if request.path != "/" or not can(getattr(request, "user", None), "interop.agendas_externes"):
        return {}
    if getattr(request, "mds", None) is None:
        return {}
    from .models import AgendaExterne

    broken = AgendaExterne.objects.for_request(request).exclude(erreur="").select_related("mediateur")
    return {
        "alertes_interop": [
            f"Agenda externe de {a.mediateur.get_full_name() or a.mediateur.email} : {a.erreur}" for a in broken
        ]
    }
