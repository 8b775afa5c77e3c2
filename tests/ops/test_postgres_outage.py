"""PostgreSQL stopped and started under real processes (gunicorn with config/gunicorn.conf.py, a
Celery worker and beat): every page answers the French 503 page with Retry-After, /healthz stays
alive and /healthz/ready says what is wrong; beat and the worker keep running through the outage; a
web server started during the outage waits instead of exiting; everything recovers on its own.

Stops the shared embedded PostgreSQL: a pytest session of its own (`make test` runs it last)."""

import os
import time

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from core import devservers
from core.models import WorkerHeartbeat
from tests.borne.factories import BorneFactory, cookie_value
from tests.ops.conftest import beat_argv, free_port, get, gunicorn_argv, wait_http, worker_argv

pytestmark = [pytest.mark.postgres_outage, pytest.mark.django_db(transaction=True)]


def wait_until(predicate, timeout, what, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    seen = f"\n--- fin de la sortie de {proc.name} ---\n{proc.output()[-4000:]}" if proc else ""
    pytest.fail(f"{what} : toujours pas après {timeout} s{seen}")


def assert_alive(*procs):
    for proc in procs:
        frames = [line for line in proc.output().splitlines() if 'File "' in line or "Error" in line]
        assert proc.alive(), f"{proc.name} s'est arrêté :\n" + "\n".join(frames[-40:])


def chain_runs_since(moment):
    connection.close()  # our own connection did not survive the restart
    row = WorkerHeartbeat.objects.filter(name="chaine-test").first()
    return row is not None and row.last_seen > moment


@pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="PostgreSQL externe : ce test l'arrêterait")
def test_postgres_down_then_back(spawn, mediateur, mds_a):
    from django.conf import settings

    borne = BorneFactory(mds=mds_a)
    kiosk_cookie = f"borne={cookie_value(borne)}"
    staff = Client()
    staff.force_login(mediateur, backend="django.contrib.auth.backends.ModelBackend")
    staff_cookie = f"{settings.SESSION_COOKIE_NAME}={staff.cookies[settings.SESSION_COOKIE_NAME].value}"
    # Beat → broker → worker, every 2 s: proves both schedule and run again after the outage.
    every_2s = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="chaine-test", task="core.tasks.heartbeat", interval=every_2s, kwargs='{"name": "chaine-test"}'
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = spawn("web", gunicorn_argv(port), WAIT_FOR_DB_SECONDS="120", GUNICORN_ACCESS_LOG="0")
    worker = spawn("worker", worker_argv(f"pg-{os.getpid()}@%h"))
    beat = spawn("beat", beat_argv())
    wait_http(f"{base}/usagers/", 200, timeout=120, headers={"Cookie": staff_cookie})
    wait_http(f"{base}/healthz/ready", 200, timeout=120)
    started = timezone.now()
    wait_until(lambda: chain_runs_since(started), 60, "la chaîne beat → worker")

    connection.close()
    devservers.stop_postgres()
    try:
        page = wait_http(f"{base}/usagers/", 503, timeout=30, headers={"Cookie": staff_cookie})
        assert page.headers["Retry-After"] == "30"
        assert "Service momentanément indisponible" in page.text and 'lang="fr"' in page.text
        assert "Traceback" not in page.text and "OperationalError" not in page.text
        for path, headers in (("/borne/", {"Cookie": kiosk_cookie}), ("/accounts/login/", {}), ("/", {})):
            response = get(base + path, headers=headers)
            assert response.status_code == 503 and "indisponible" in response.text, path
        assert get(f"{base}/healthz").status_code == 200  # liveness: the process is fine
        ready = get(f"{base}/healthz/ready")
        assert ready.status_code == 503 and ready.json()["postgresql"] == "erreur"

        # A web server started now waits for the database instead of exiting.
        late_port = free_port()
        late = spawn("web-late", gunicorn_argv(late_port), WAIT_FOR_DB_SECONDS="120", GUNICORN_ACCESS_LOG="0")
        wait_until(lambda: "Base de données injoignable" in late.output(), 60, "gunicorn attend la base")
        # Beat re-reads its schedule every 2 s here (MDS_BEAT_FULL_SYNC_SECONDS): the read that used
        # to kill it fails, is logged, and beat goes on; the worker's heartbeat fails the same way.
        wait_until(lambda: "lecture du planning" in beat.output(), 60, "beat relit le planning pendant la panne", beat)
        wait_until(lambda: "signal de vie non écrit" in worker.output(), 60, "le worker tente son signal de vie")
        assert_alive(beat, worker, web, late)
    finally:
        devservers.start_postgres()  # same data

    back = timezone.now()
    wait_http(f"{base}/usagers/", 200, timeout=60, headers={"Cookie": staff_cookie})
    wait_http(f"http://127.0.0.1:{late_port}/usagers/", 200, timeout=120, headers={"Cookie": staff_cookie})
    wait_until(lambda: chain_runs_since(back), 90, "la chaîne beat → worker après la panne")
    ready = wait_http(f"{base}/healthz/ready", 200, timeout=60).json()
    assert ready["worker"]["status"] == "ok" and ready["beat"]["status"] == "ok"
    assert_alive(beat, worker, web, late)
    assert "base de données de nouveau joignable" in beat.output()
