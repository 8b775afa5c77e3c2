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
    return {
        "rendez_vous": rendez_vous,
        "passages": passages,
        "limit": LIMIT,
        "usager": usager,
        "can_book": can(request.user, "accueil.rdv") and usager.anonymise_le is None,
    }


def anonymize_usager(usager):
    """Called inside the visitor's anonymization: blank what identifies them in appointments and
    passages (the rows stay linked to the anonymized record, for statistics)."""
    RendezVous.objects.filter(usager=usager).update(prenom_ou_initiales="", telephone="")
    Passage.objects.filter(usager=usager).update(prenom_ou_initiales="", reorientation="")


def export_usager(usager):
    """Right of access: the visitor's appointments and passages."""
    rendez_vous = [
        {
            "debut": r.debut.isoformat(),
            "fin": r.fin.isoformat(),
            "motif": r.motif.libelle,
            "statut": r.get_statut_display(),
            "pris_par": r.get_canal_display(),
            "rappel": r.get_rappel_display(),
            "telephone_rappel": r.telephone,
            "historique": [
                {
                    "le": h.le.isoformat(),
                    "action": h.get_action_display(),
                    "ancien_debut": h.ancien_debut.isoformat() if h.ancien_debut else None,
                    "nouveau_debut": h.nouveau_debut.isoformat() if h.nouveau_debut else None,
                    "nouveau_statut": h.get_nouveau_statut_display(),
                }
                for h in r.historique.all()
            ],
        }
        for r in RendezVous.objects.filter(usager=usager).select_related("motif").prefetch_related("historique")
    ]
    passages = [
        {
            "arrivee": p.arrivee_le.isoformat(),
            "ticket": p.ticket,
            "motif": p.motif.libelle if p.motif else None,
            "source": p.get_source_display(),
            "statut": p.get_statut_display(),
            "attente_minutes": p.attente_secondes // 60 if p.attente_secondes is not None else None,
            "reoriente_vers": p.reorientation,
        }
        for p in Passage.objects.filter(usager=usager).select_related("motif")
    ]
    return "Rendez-vous et passages à l'accueil", {"rendez_vous": rendez_vous, "passages": passages}


def next_appointment(*, mds_id, usager_id, after):
    """usagers.hooks finder: start of the visitor's next active appointment in that MDS, or None."""
    return (
        RendezVous.objects.filter(mds_id=mds_id, usager_id=usager_id, debut__gte=after)
        .actifs()
        .order_by("debut")
        .values_list("debut", flat=True)
        .first()
    )
