"""/healthz/ready tells the truth: worker heartbeat, beat tick and outbox backlog against the
documented thresholds (HEALTH_*_STALE_SECONDS, HEALTH_OUTBOX_LATE_SECONDS)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.periodic import record_signal
from notifications.enums import Status
from tests.notifications.factories import MessageFactory

pytestmark = pytest.mark.django_db

T0 = "2026-12-01 10:00:00+01:00"


def ready(client):
    response = client.get("/healthz/ready")
    return response.status_code, response.json()


def test_ready_200_when_every_sign_of_life_is_fresh(client, django_assert_max_num_queries):
    with time_machine.travel(T0, tick=False):
        record_signal("worker:w1@host")
        record_signal("beat")
        with django_assert_max_num_queries(4):
            status, body = ready(client)
    assert status == 200, body
    assert body["status"] == "ok" and body["postgresql"] == "ok" and body["redis"] == "ok"
    assert body["worker"]["status"] == "ok" and body["worker"]["age_s"] == 0
    assert body["outbox"] == {"status": "ok", "en_attente": 0, "plus_ancien_du": None, "retard_s": None, "seuil_s": 600}


def test_ready_503_when_the_worker_is_silent_beyond_the_threshold(client, settings):
    with time_machine.travel(T0, tick=False) as traveller:
        record_signal("worker:w1@host")
        record_signal("beat")
        traveller.shift(timedelta(seconds=settings.HEALTH_WORKER_STALE_SECONDS - 1))
        record_signal("beat")
        assert ready(client)[0] == 200
        traveller.shift(timedelta(seconds=2))
        status, body = ready(client)
    assert status == 503 and body["status"] == "indisponible"
    assert (
        body["worker"]["status"] == "en retard" and body["worker"]["age_s"] == settings.HEALTH_WORKER_STALE_SECONDS + 1
    )
    assert body["beat"]["status"] == "ok"


def test_ready_503_when_beat_never_ticked(client):
    record_signal("worker:w1@host")
    status, body = ready(client)
    assert status == 503 and body["beat"]["status"] == "absent" and body["worker"]["status"] == "ok"


def test_ready_reports_the_outbox_backlog_and_503_when_a_message_is_late(client, settings):
    with time_machine.travel(T0, tick=False) as traveller:
        now = timezone.now()
        MessageFactory(send_at=now - timedelta(seconds=60))
        MessageFactory(send_at=now - timedelta(seconds=30))
        MessageFactory(send_at=now + timedelta(hours=1))  # not due yet
        MessageFactory(send_at=now - timedelta(hours=5), status=Status.ENVOYE)  # done
        record_signal("worker:w1@host")
        record_signal("beat")
        status, body = ready(client)
        assert status == 200, body
        assert body["outbox"]["en_attente"] == 2 and body["outbox"]["retard_s"] == 60
        assert body["outbox"]["plus_ancien_du"] == (now - timedelta(seconds=60)).isoformat()
        traveller.shift(timedelta(seconds=settings.HEALTH_OUTBOX_LATE_SECONDS))
        record_signal("worker:w1@host")
        record_signal("beat")
        status, body = ready(client)
    assert status == 503 and body["outbox"]["status"] == "en retard"
    assert body["outbox"]["retard_s"] == settings.HEALTH_OUTBOX_LATE_SECONDS + 60
