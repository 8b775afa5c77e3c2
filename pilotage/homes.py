"""Home panels of directors and the coordinateur (registered in apps.py): month-to-date key
figures, alerts of the MDS (ateliers under minimum, failed messages to call back, closures with
bookings, reports ready), the Département summary. Pilotage reads every app; nothing imports it."""

import datetime as dt

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from accueil.enums import StatutRendezVous
from accueil.models import Fermeture, RendezVous
from ateliers.enums import Format, StatutSeance
from ateliers.models import Seance
from core.homes import Panel
from core.roles import Role
from notifications.enums import Status
from notifications.models import Message

from . import selectors
from .models import Rapport, StatutRapport
from .periode import Perimetre, Periode, mois_courant

ALERT_DAYS = 14


def _chiffres(perimetre):
    return selectors.chiffres_cles(Periode("mois", mois_courant()), perimetre)


def alertes_mds(mds) -> dict:
    """Four short lists, each one query."""
    now = timezone.now()
    today = timezone.localdate()
    seances = list(
        Seance.objects.filter(
            mds=mds,
            statut=StatutSeance.PLANIFIEE,
            format=Format.COLLECTIF,
            debut__gte=now,
            debut__lt=now + dt.timedelta(days=ALERT_DAYS),
            places_prises__lt=F("minimum_participants"),
        )
        .select_related("atelier")
        .order_by("debut")[:5]
    )
    echecs = list(
        Message.objects.filter(mds=mds, status=Status.ECHEC, send_at__gte=now - dt.timedelta(days=ALERT_DAYS))
        .order_by("-send_at")
        .only("kind", "channel", "send_at")[:5]
    )
    bookings = RendezVous.objects.filter(
        mds=OuterRef("mds"),
        statut=StatutRendezVous.A_VENIR,
        debut__date__gte=OuterRef("date_debut"),
        debut__date__lte=OuterRef("date_fin"),
    )
    sessions = Seance.objects.filter(
        mds=OuterRef("mds"),
        statut=StatutSeance.PLANIFIEE,
        debut__date__gte=OuterRef("date_debut"),
        debut__date__lte=OuterRef("date_fin"),
    )
    fermetures = list(
        Fermeture.objects.filter(mds=mds, date_fin__gte=today)
        .filter(Exists(bookings) | Exists(sessions))
        .order_by("date_debut")[:5]
    )
    rapports = list(
        Rapport.objects.filter(mds=mds, statut=StatutRapport.TERMINE).order_by("-mois").only("mois", "genere_le")[:3]
    )
    return {"seances": seances, "echecs": echecs, "fermetures": fermetures, "rapports": rapports}


def directeur(request):
    return {"chiffres": _chiffres(Perimetre(mds=(request.mds,))), **alertes_mds(request.mds)}


def departement(request):
    rapports = list(
        Rapport.objects.filter(Q(mds__isnull=True) | Q(mds__active=True), statut=StatutRapport.TERMINE)
        .select_related("mds")
        .order_by("-mois", "mds__nom")[:6]
    )
    return {"chiffres": _chiffres(Perimetre(departement=True)), "rapports": rapports}


PANELS = [
    Panel("pilotage.directeur", frozenset({Role.DIRECTEUR}), 10, "pilotage/home/_directeur.html", directeur),
    Panel(
        "pilotage.departement",
        frozenset({Role.COORDINATEUR}),
        10,
        "pilotage/home/_departement.html",
        departement,
        needs_mds=False,
    ),
]
