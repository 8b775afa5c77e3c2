"""The séances a closure of the MDS hits (registered in ``core.closures`` from ``AppConfig.ready``):
accueil's closure confirmation lists them and cancels them with the appointments."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db.models import Count, Q

from core.closures import ClosureImpact
from core.dates import PARIS

from . import services
from .enums import MotifAnnulation, StatutInscription, StatutSeance
from .models import Fermeture, Seance


def seances_hit(*, mds, date_debut, date_fin):
    """Planned séances of those days, with their registrants and waitlist counted (one query)."""
    start = datetime.combine(date_debut, time.min, tzinfo=PARIS)
    end = datetime.combine(date_fin + timedelta(days=1), time.min, tzinfo=PARIS)
    return (
        Seance.objects.filter(mds=mds, statut=StatutSeance.PLANIFIEE, debut__gte=start, debut__lt=end)
        .select_related("atelier", "animateur")
        .annotate(
            nb_inscrits=Count("inscriptions", filter=Q(inscriptions__statut=StatutInscription.INSCRIT)),
            nb_attente=Count("inscriptions", filter=Q(inscriptions__statut=StatutInscription.ATTENTE)),
        )
        .order_by("debut", "pk")
    )


def cancel_seances_hit(*, mds, date_debut, date_fin, user=None) -> list[Seance]:
    """Cancel each séance for « Fermeture de la MDS »: its registrants and waitlist are told (outbox)."""
    hit = list(seances_hit(mds=mds, date_debut=date_debut, date_fin=date_fin))
    for seance in hit:
        services.cancel_seance(seance_id=seance.pk, motif=MotifAnnulation.FERMETURE, par=user)
    return hit


def summary(rows) -> str:
    count = len(rows)
    people = sum(seance.nb_inscrits + seance.nb_attente for seance in rows)
    plural = "s" if people > 1 else ""
    return (
        f"{count} séance{'s' if count > 1 else ''} d'atelier ({people} personne{plural} inscrite{plural} ou en attente)"
    )


def record_closure(*, mds, date_debut, date_fin, libelle=""):
    """The desk closed those days: séances planned from now on skip them (unless the ateliers already
    hold the same closure)."""
    if not Fermeture.objects.filter(mds=mds, date_debut=date_debut, date_fin=date_fin).exists():
        Fermeture.objects.create(
            mds=mds, date_debut=date_debut, date_fin=date_fin, motif=libelle,
            depuis_accueil=True,
        )  # fmt: skip


def forget_closure(*, mds, date_debut, date_fin):
    Fermeture.objects.filter(mds=mds, date_debut=date_debut, date_fin=date_fin, depuis_accueil=True).delete()


IMPACT = ClosureImpact(
    key="ateliers",
    order=20,
    title="Séances d'ateliers",
    template_name="ateliers/_fermeture_seances.html",
    hits=seances_hit,
    cancel=cancel_seances_hit,
    summary=summary,
    record=record_closure,
    forget=forget_closure,
)
