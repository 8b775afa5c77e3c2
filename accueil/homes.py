"""Home panels owned by reception (registered in apps.py): the queue with the next ticket to take,
today's appointments (mine for a mediator, expected arrivals for reception)."""

import datetime as dt

from django.utils import timezone

from core.homes import Panel
from core.permissions import can
from core.roles import Role

from . import selectors
from .calendar import PARIS
from .enums import StatutRendezVous


def file(request):
    queue = selectors.queue_of_day(mds=request.mds)
    now = timezone.now()
    for passage in queue:
        passage.attente_minutes = int((now - passage.arrivee_le).total_seconds() // 60)
    return {"queue": queue[:6], "waiting": len(queue), "suivant": queue[0] if queue else None}


def rdv_du_jour(request):
    today = selectors.local_today()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=PARIS)
    end = start + dt.timedelta(days=1)
    mine = can(request.user, "accueil.tenir_rdv")  # a mediator's own column; the reception sees all
    qs = selectors.appointments_between(
        mds=request.mds, start=start, end=end, mediateur=request.user if mine else None
    ).filter(statut=StatutRendezVous.A_VENIR)
    return {"rendez_vous": list(qs[:20]), "mine": mine}


PANELS = [
    Panel("accueil.file", frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL}), 10, "accueil/home/_file.html", file),
    Panel(
        "accueil.rdv_du_jour",
        frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL}),
        20,
        "accueil/home/_rdv_du_jour.html",
        rdv_du_jour,
    ),
]
