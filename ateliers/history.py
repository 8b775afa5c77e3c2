"""The visitor page's "Ateliers" block and the rights export (plugged into usagers.hooks)."""

from django.utils import timezone

from .selectors import inscriptions_usager


def history_context(request, usager):
    inscriptions = list(inscriptions_usager(usager))
    return {"inscriptions_ateliers": inscriptions, "now": timezone.now()}


def export_usager(usager):
    rows = [
        {
            "atelier": i.seance.atelier.titre,
            "debut": timezone.localtime(i.seance.debut).isoformat(),
            "statut_seance": i.seance.get_statut_display(),
            "inscription": i.get_statut_display(),
            "presence": i.get_presence_display(),
        }
        for i in inscriptions_usager(usager, limit=1000)
    ]
    return "Ateliers", rows
