"""Redis stopped and started: the kiosk still books and staff keep working (cache and rate limits
degrade instead of failing), /healthz/ready says Redis is down, and a real worker and beat ride
through the outage and resume. Stops the shared Redis: a pytest session of its own (make test)."""

import os
import re

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from accueil.models import RendezVous
from core import devservers
from core.models import WorkerHeartbeat
from tests.accueil.factories import MotifFactory, make_mediators, open_desk
from tests.borne.factories import BorneFactory, kiosk_client
from tests.ops.conftest import beat_argv, worker_argv

pytestmark = pytest.mark.redis_outage

NOW = "2026-12-01 09:40:00+01:00"  # a Tuesday, not a public holiday


def first_value(response, name):
    return re.search(rf'name="{name}"\s+value="([^"]+)"', response.content.decode()).group(1)


@pytest.fixture
def redis_stopped():
    devservers.stop_redis()
    yield
    devservers.redis_url()  # restart (same port, same data)


@pytest.mark.django_db
def test_kiosk_books_and_staff_work_with_redis_down(mds_a, client_for, mediateur, redis_stopped):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    motif = MotifFactory(mds=mds_a, libelle="Aide pour un e-mail", reservable_borne=True)
    kiosk = kiosk_client(BorneFactory(mds=mds_a))
    with time_machine.travel(NOW, tick=True):
        kiosk.post(reverse("borne:rdv"), {"motif": motif.pk})
        kiosk.post(reverse("borne:rdv_jour"), {"jour": first_value(kiosk.get(reverse("borne:rdv_jour")), "jour")})
        kiosk.post(reverse("borne:rdv_heure"), {"debut": first_value(kiosk.get(reverse("borne:rdv_heure")), "debut")})
        kiosk.post(reverse("borne:rdv_prenom"), {"prenom": "Marie Dupont"})
        response = kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "hors-redis"})
    assert response.status_code == 302 and response["Location"] == reverse("borne:rdv_confirmation")
    assert RendezVous.objects.filter(mds=mds_a, motif=motif).count() == 1
    assert client_for(mediateur).get("/usagers/").status_code == 200  # staff already logged in
    ready = client_for(mediateur).get("/healthz/ready")
    assert ready.status_code == 503 and ready.json()["redis"] == "erreur"


def signal_after(name, moment):
    connection.close()
    row = WorkerHeartbeat.objects.filter(name=name).first()
    return row is not None and row.last_seen > moment


@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_survive_a_redis_outage(spawn, wait_for):
    every_2s = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="chaine-test", task="core.tasks.heartbeat", interval=every_2s, kwargs='{"name": "chaine-test"}'
    )
    worker = spawn("worker", worker_argv(f"redis-{os.getpid()}@%h"))
    beat = spawn("beat", beat_argv())
    started = timezone.now()
    wait_for(lambda: signal_after("chaine-test", started), timeout=120)

    devservers.stop_redis()
    try:
        down = timezone.now()
        # Beat cannot hand its tasks over and says so; the worker loses its broker connection.
        wait_for(lambda: "envoi de chaine-test impossible" in beat.output(), timeout=60)
        wait_for(lambda: "Retrying" in worker.output() or "Cannot connect" in worker.output(), timeout=60)
        # Beat still ticks (its sign of life is in PostgreSQL); the worker waits for its broker.
        wait_for(lambda: signal_after("beat", down), timeout=30)
        assert worker.alive() and beat.alive()
    finally:
        devservers.redis_url()
    back = timezone.now()
    wait_for(lambda: signal_after("chaine-test", back), timeout=120)  # scheduled, sent and run again
    wait_for(lambda: signal_after(f"worker:redis-{os.getpid()}@{os.uname().nodename}", back), timeout=30)
    assert worker.alive() and beat.alive()
