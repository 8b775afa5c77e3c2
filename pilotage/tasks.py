"""Celery tasks of pilotage — thin: ids in, one service call each — and the helpers that enqueue
them (``demander``). Dependencies go one way: tasks → services, services never import tasks."""

import datetime as dt

from celery import shared_task

from core.models import MDS

from . import fenetres, preparation, services
from .models import Declencheur, Rapport
from .periode import parse_mois
from .rollup import rafraichir

PERIODIC_TASKS = [
    {
        # 1st of each month at 06:00 Europe/Paris: reports of the previous month.
        "name": "pilotage.rapports_mensuels",
        "task": "pilotage.tasks.rapports_mensuels",
        "crontab": {"minute": "0", "hour": "6", "day_of_month": "1"},
    },
    {
        # Keep the session-log rollup warm (dashboards also refresh it incrementally on each view).
        "name": "pilotage.rafraichir_resumes",
        "task": "pilotage.tasks.rafraichir_resumes",
        "every": 300,
    },
]


@shared_task(time_limit=10 * 60, soft_time_limit=9 * 60)
def rafraichir_resumes() -> int:
    """Top the rollup up, then regenerate every report a late correction made stale; keep the stored
    figures of closed periods true to the visitor records and computed ahead for the last month."""
    count = rafraichir()
    fenetres.suivre_fiches()
    preparation.preparer()
    for rapport in services.preparer_perimes():
        produire_rapport.delay_on_commit(rapport.pk, Declencheur.CORRECTION)
    return count


@shared_task(time_limit=15 * 60, soft_time_limit=14 * 60, acks_late=True)
def produire_rapport(rapport_id: int, declencheur: str = Declencheur.ECRAN) -> str | None:
    rapport = services.produire(rapport_id=rapport_id, declencheur=declencheur)
    return rapport.empreinte if rapport else None


def demander(*, mois: dt.date, mds: MDS | None, declencheur: str, par=None) -> Rapport:
    """Queue the report of a month and scope: prepared now, produced by the worker after commit."""
    rapport = services.preparer(mois=mois, mds=mds, par=par)
    produire_rapport.delay_on_commit(rapport.pk, declencheur)
    return rapport


@shared_task(time_limit=120, soft_time_limit=100)
def rapports_mensuels(mois: str | None = None) -> int:
    """Queue a month's reports (default: the previous month). Idempotent, so a scheduler that missed
    the 06:00 run of the 1st can call it again at start-up (or for any month: ``mois="2026-10"``)."""
    prepared = services.preparer_mois(mois=parse_mois(mois) if mois else None)
    for rapport in prepared:
        produire_rapport.delay_on_commit(rapport.pk, Declencheur.PLANIFICATION)
    return len(prepared)
