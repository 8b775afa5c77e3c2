"""Missed schedules: crontab jobs due while beat (or the worker) was down run once at the next start.

Time travel (time-machine) on the real scheduler (core.beat.ResilientScheduler, on the test
database) publishing to the real Redis broker, on a queue of this test's own."""

import json
import os

import pytest
import redis
import time_machine
from django.conf import settings

from config.celery import app
from core.beat import ResilientScheduler
from core.models import WorkerHeartbeat
from core.periodic import DONE_PREFIX, SENT_PREFIX, missed_jobs, record_done, sync

pytestmark = pytest.mark.django_db(transaction=True)

MONTHLY = "pilotage.rapports_mensuels"
RETENTION = "usagers.retention"
MESSAGES_RETENTION = "notifications.retention"
DESK_RETENTION = ["accueil.retention", "ateliers.retention"]  # 03:30 and 03:40, nightly
PARTNERS_IMPORT = "interop.importer_data_inclusion"  # 04:30, nightly
TICKET_NUMBERS = "Borne : numéros des SMS « c'est votre tour » effacés en fin de journée"  # 21:00
QUEUE = f"catch-up-{os.getpid()}"


def _reroute():
    """Apply the changed task_routes: ``amqp.router`` is a cached property built from the routes of
    its first use, so once any earlier test sent a task, flushing the routes alone changes nothing."""
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.fixture
def broker_queue():
    """Everything this test publishes goes to QUEUE; yields a reader of the task names in it."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    routes = app.conf.task_routes
    app.conf.task_routes = {"*": {"queue": QUEUE}}
    _reroute()

    def published():
        return [json.loads(raw)["headers"]["task"] for raw in client.lrange(QUEUE, 0, -1)]

    yield published
    app.conf.task_routes = routes
    _reroute()
    client.delete(QUEUE)


@pytest.fixture
def start_beat():
    """start_beat() → a scheduler that has run its first tick (what `celery beat` does at start)."""
    started = []

    def start():
        scheduler = ResilientScheduler(app=app)
        started.append(scheduler)
        scheduler.tick()
        return scheduler

    yield start
    for scheduler in started:
        scheduler._finalize()  # the sync beat does at exit, while the database is still here


def test_missed_jobs_follow_the_crontab_in_paris_time():
    with time_machine.travel("2027-01-31 12:00:00+01:00", tick=False):
        assert missed_jobs() == []  # first sight: a baseline, nothing runs at install time
        assert WorkerHeartbeat.objects.filter(name=SENT_PREFIX + MONTHLY).exists()
    with time_machine.travel("2027-02-01 02:59:00+01:00", tick=False):
        # Only the evening's deletion of ticket phone numbers (21:00) was due: it must not be skipped.
        assert [j["name"] for j in missed_jobs()] == [TICKET_NUMBERS]
    with time_machine.travel("2027-02-01 03:20:00+01:00", tick=False):
        assert sorted(j["name"] for j in missed_jobs()) == sorted([TICKET_NUMBERS, RETENTION])
    with time_machine.travel("2027-02-01 09:00:00+01:00", tick=False):
        assert {j["name"] for j in missed_jobs()} == {
            TICKET_NUMBERS,
            RETENTION,
            *DESK_RETENTION,
            MESSAGES_RETENTION,
            PARTNERS_IMPORT,
            MONTHLY,
        }
        record_done("usagers.tasks.retention")  # a worker finished it: no longer missed
        assert RETENTION not in {j["name"] for j in missed_jobs()}
        assert WorkerHeartbeat.objects.filter(name=DONE_PREFIX + RETENTION).exists()


def test_jobs_due_while_beat_was_down_are_sent_once_at_the_next_start(broker_queue, start_beat):
    with time_machine.travel("2027-01-31 18:00:00+01:00", tick=False):
        sync()
        start_beat()  # beat runs, sees the jobs, then stops for the night
    assert MONTHLY not in broker_queue()
    with time_machine.travel("2027-02-01 09:30:00+01:00", tick=False):
        # Beat comes back after the 1st at 06:00 (monthly reports) and the night's purges.
        start_beat()
        sent = broker_queue()
        for task in (
            "pilotage.tasks.rapports_mensuels",
            "usagers.tasks.retention",
            "accueil.tasks.retention",
            "ateliers.tasks.retention",
            "notifications.tasks.anonymize_old_messages",
        ):
            assert sent.count(task) == 1, sent
        # The every-minute dispatcher (reminders due meanwhile) goes out on the first tick too.
        scheduler = start_beat()  # a second restart the same morning sends no job twice
        for _ in range(20):
            if scheduler.tick() > 0:
                break
        sent = broker_queue()
        assert sent.count("pilotage.tasks.rapports_mensuels") == 1, sent
        assert sent.count("usagers.tasks.retention") == 1
        assert "notifications.tasks.dispatch" in sent
    with time_machine.travel("2027-02-02 09:30:00+01:00", tick=False):
        start_beat()  # next day: the nightly purges were missed again, the monthly report was not
        sent = broker_queue()
        assert sent.count("usagers.tasks.retention") == 2 and sent.count("pilotage.tasks.rapports_mensuels") == 1


def test_a_worker_that_ran_the_job_counts_even_if_beat_never_recorded_the_send(broker_queue, start_beat):
    with time_machine.travel("2027-01-31 18:00:00+01:00", tick=False):
        sync()
        start_beat()
    with time_machine.travel("2027-02-01 07:00:00+01:00", tick=False):
        # The monthly task ran from the screen (or a worker finished a copy queued before the stop).
        app.tasks["pilotage.tasks.rapports_mensuels"].apply()
        assert WorkerHeartbeat.objects.filter(name=DONE_PREFIX + MONTHLY).exists()
    with time_machine.travel("2027-02-01 09:00:00+01:00", tick=False):
        start_beat()
    assert "pilotage.tasks.rapports_mensuels" not in broker_queue()
