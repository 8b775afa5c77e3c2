"""What the waiting-room kiosk may do with the ateliers (the ``ateliers_borne`` port of core.ports,
registered in ``AteliersConfig.ready``): list the next open séances of its MDS and register a
person by first name, through ``services.inscrire`` (row lock on the séance, capacity checked).

Open to the kiosk: collective séances of an atelier for visitors (not for professionals), planned,
not started, with a free place, in the next ``HORIZON_JOURS`` days. The kiosk never waitlists."""

import datetime as dt

from django.db.models import F
from django.utils import timezone

from core.ports import AtelierComplet, AtelierIndisponible, SeanceBorne

from . import services
from .enums import Format, Public, StatutSeance
from .models import Seance

HORIZON_JOURS = 60


def _ouvertes(mds, now):
    return (
        Seance.objects.for_mds(mds)
        .filter(
            format=Format.COLLECTIF,
            atelier__public=Public.USAGERS,
            statut=StatutSeance.PLANIFIEE,
            debut__gt=now,
            debut__lte=now + dt.timedelta(days=HORIZON_JOURS),
        )
        .select_related("atelier")
        .order_by("debut", "pk")
    )


def _vue(seance: Seance) -> SeanceBorne:
    return SeanceBorne(
        pk=seance.pk,
        titre=seance.atelier.titre,
        debut=seance.debut,
        fin=seance.fin,
        salle=seance.salle,
        places_restantes=seance.places_restantes,
    )


def seances_ouvertes(*, mds, now=None, limit=6) -> list[SeanceBorne]:
    now = now or timezone.now()
    return [_vue(s) for s in _ouvertes(mds, now).filter(places_prises__lt=F("capacite"))[:limit]]


def seance(*, mds, pk: int) -> SeanceBorne | None:
    found = Seance.objects.for_mds(mds).select_related("atelier").filter(pk=pk).first()
    return _vue(found) if found else None


def inscrire(*, mds, seance_id: int, prenom_ou_initiales: str, now=None) -> SeanceBorne:
    """Register one anonymous person (first name or initials only). Raises ``AtelierComplet`` when
    the last place was just taken, ``AtelierIndisponible`` when the séance is no longer open."""
    now = now or timezone.now()
    if not _ouvertes(mds, now).filter(pk=seance_id).exists():
        raise AtelierIndisponible()
    try:
        inscription = services.inscrire(
            seance_id=seance_id, prenom_ou_initiales=prenom_ou_initiales, sans_liste_attente=True, now=now
        )
    except services.InscriptionRefusee as refus:
        if refus.code == "complete":
            raise AtelierComplet() from refus
        raise AtelierIndisponible() from refus
    return _vue(Seance.objects.select_related("atelier").get(pk=inscription.seance_id))
