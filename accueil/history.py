"""The "Rendez-vous et passages" block of the visitor page (usagers.hooks)."""

from core.permissions import can

from .models import Passage, RendezVous

LIMIT = 20


def history_context(request, usager):
    if not can(request.user, "accueil.rdv") and not can(request.user, "accueil.queue"):
        return None
    rendez_vous = list(
        RendezVous.objects.filter(usager=usager, mds=usager.mds)
        .select_related("motif", "mediateur")
        .order_by("-debut")[:LIMIT]
    )
    passages = list(
        Passage.objects.filter(usager=usager, mds=usager.mds).select_related("motif").order_by("-arrivee_le")[:LIMIT]
    )
    return {"rendez_vous": rendez_vous, "passages": passages, "limit": LIMIT}
