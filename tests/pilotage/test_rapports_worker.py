"""The monthly report produced by the beat schedule and a REAL Celery worker, then by the command:
identical figures (same content hash)."""

import datetime as dt
import io
import json
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from core.periodic import sync
from pilotage.models import Declencheur, Rapport, StatutRapport
from pilotage.tasks import rapports_mensuels
from tests.mediation.factories import log
from tests.usagers.factories import UsagerFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
FIRST = dt.datetime(2026, 12, 1, 6, 0, 2, tzinfo=PARIS)
NOVEMBER = dt.date(2026, 11, 1)


def test_beat_on_the_first_then_command_give_identical_reports(
    celery_worker_process, wait_for, mds_a, mds_b, mediateur
):
    for k, usager in enumerate(UsagerFactory.create_batch(3, mds=mds_a)):
        log(mds_a, mediateur, usager=usager, date=dt.date(2026, 11, 3 + k), duree=30 + 15 * k)
    log(mds_a, mediateur, date=dt.date(2026, 10, 30))  # previous month: not in the November report

    sync()
    from django_celery_beat.models import PeriodicTask

    entry = PeriodicTask.objects.get(name="pilotage.rapports_mensuels")
    schedule = entry.crontab.schedule
    assert str(entry.crontab.timezone) == "Europe/Paris"
    with time_machine.travel(FIRST, tick=False):
        assert schedule.is_due(dt.datetime(2026, 11, 1, 6, 0, tzinfo=PARIS)).is_due
    with time_machine.travel(dt.datetime(2026, 12, 2, 6, 0, 2, tzinfo=PARIS), tick=False):
        assert not schedule.is_due(FIRST).is_due  # once a month

    # What beat sends at that instant: the task with its declared kwargs (none) → previous month.
    with time_machine.travel(FIRST, tick=True):
        queued = rapports_mensuels.apply(kwargs=json.loads(entry.kwargs)).get()
    assert queued == 3  # Département + 2 MDS, produced by the worker process
    done = wait_for(
        lambda: Rapport.objects.filter(mois=NOVEMBER, statut=StatutRapport.TERMINE).count() == 3, timeout=180
    )
    assert done
    by_beat = {r.mds_id: r for r in Rapport.objects.filter(mois=NOVEMBER)}
    assert all(r.declencheur == Declencheur.PLANIFICATION and r.version == 1 for r in by_beat.values())
    chiffres = {c["cle"]: c["valeur"] for c in by_beat[mds_a.pk].chiffres["chiffres"]}
    assert chiffres["nb_accompagnements"] == 3
    assert by_beat[mds_b.pk].sans_activite

    # Beat firing twice (retry) does not produce again.
    with time_machine.travel(FIRST + dt.timedelta(minutes=5), tick=True):
        assert rapports_mensuels.apply().get() == 0

    # By hand, the same month: same figures, same hash; the previous version is kept.
    with time_machine.travel(FIRST + dt.timedelta(hours=2), tick=True):
        call_command("rapport_mensuel", "--mois", "2026-11", "--sans-email", stdout=io.StringIO())
    for rapport in Rapport.objects.filter(mois=NOVEMBER):
        assert rapport.declencheur == Declencheur.COMMANDE and rapport.version == 2
        assert rapport.empreinte == by_beat[rapport.mds_id].empreinte
        assert rapport.chiffres == by_beat[rapport.mds_id].chiffres
        assert rapport.versions.get().empreinte == rapport.empreinte
