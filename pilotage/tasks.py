"""Celery tasks of pilotage: thin wrappers around pilotage.rapports (ids in, idempotent)."""

from celery import shared_task

from core.models import MDS

from .models import Declencheur, Rapport, StatutRapport

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
    from .rollup import rafraichir

    return rafraichir()


@shared_task(time_limit=15 * 60, soft_time_limit=14 * 60, acks_late=True)
def produire_rapport(rapport_id: int, declencheur: str = Declencheur.ECRAN) -> str | None:
    from .rapports import produire

    rapport = produire(rapport_id, declencheur=declencheur)
    return rapport.empreinte if rapport else None


@shared_task(time_limit=120, soft_time_limit=100)
def rapports_mensuels(mois: str | None = None) -> int:
    """Queue the previous month's report of every active MDS and of the Département. Idempotent: a
    report already requested after the month ended (queued, running or done) is not queued again."""
    import datetime as dt

    from core.dates import PARIS

    from .periode import parse_mois
    from .rapports import demander, mois_precedent

    month = parse_mois(mois) if mois else mois_precedent()
    month_end = dt.datetime.combine(
        (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1), dt.time.min, tzinfo=PARIS
    )
    queued = 0
    for mds in [None, *MDS.objects.filter(active=True).order_by("nom")]:
        existing = Rapport.objects.filter(mois=month, mds=mds).first()
        if (
            existing
            and existing.statut != StatutRapport.ECHEC
            and existing.demande_le
            and existing.demande_le >= month_end
        ):
            continue
        demander(mois=month, mds=mds, declencheur=Declencheur.PLANIFICATION)
        queued += 1
    return queued
