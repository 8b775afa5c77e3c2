"""End to end with a REAL Celery worker process, the real (embedded) Redis and PostgreSQL, and the
production Brevo adapter talking to a local fake Brevo server. "Beat" is emulated by sending the
same task the beat schedule sends (``notifications.tasks.dispatch``), with a clock when a test
travels in time (the worker is another process: time_machine cannot reach it)."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accueil.enums import CanalRappel, CanalReservation
from accueil.services import book_appointment, cancel_appointment, reschedule_appointment
from config.celery import app
from core import devservers
from core.dates import PARIS
from core.models import WorkerHeartbeat
from core.tasks import heartbeat
from notifications.dispatch import UNCERTAIN, dispatch_due
from notifications.enums import Status
from notifications.fake_brevo import API_KEY, FakeBrevo
from notifications.models import Message
from notifications.tasks import dispatch
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.conftest import _database_url
from tests.notifications.factories import MessageFactory
from tests.notifications.kinds import Kind
from tests.usagers.factories import UsagerFactory

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def start_worker(fake, queue, *, pool="prefork", concurrency=2):
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        PYTHONUNBUFFERED="1",
        NOTIFICATIONS_SMS_BACKEND="notifications.backends.sms.BrevoBackend",
        NOTIFICATIONS_BREVO_API_URL=fake.url,
        NOTIFICATIONS_BREVO_API_KEY=API_KEY,
        NOTIFICATIONS_PROVIDER_TIMEOUT="8",
        NOTIFICATIONS_DISPATCH_QUEUE=queue,
    )
    name = f"{queue}@%h"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", pool, "-c", str(concurrency),
         "-Q", queue, "-l", "WARNING", "--without-gossip", "--without-mingle", "-n", name],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 120  # a loaded CI machine can take a minute to boot a worker

    def ready():
        try:
            return app.control.ping(timeout=0.5, destination=[name.replace("%h", os.uname().nodename)])
        except Exception:  # a pooled connection that predates a Redis restart: retry
            return False

    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("Le worker Celery des notifications n'a pas démarré.")
    return process


def stop_worker(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture(scope="module")
def fake():
    server = FakeBrevo(timeout_sleep=4).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def queue():
    return f"notifications-test-{os.getpid()}"


@pytest.fixture(scope="module")
def worker(django_db_setup, django_db_blocker, fake, queue):
    app.control.purge()
    process = start_worker(fake, queue)
    yield process
    stop_worker(process)


def use_fake_provider(settings, fake, queue):
    """This process (nudges, in-process dispatchers) uses the same provider and queue as the worker."""
    settings.NOTIFICATIONS_DISPATCH_QUEUE = queue
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.backends.sms.BrevoBackend"
    settings.NOTIFICATIONS_BREVO_API_URL = fake.url
    settings.NOTIFICATIONS_BREVO_API_KEY = API_KEY


@pytest.fixture
def env(worker, fake, queue, settings, mds_a):
    use_fake_provider(settings, fake, queue)
    fake.requests.clear()
    fake._script.clear()
    open_desk(mds_a)
    make_mediators(mds_a, 2)
    return {"mds": mds_a, "motif": MotifFactory(mds=mds_a, horizon_jours=60), "fake": fake, "queue": queue}


def beat(env, now=None):
    """What the beat schedule does every minute (optionally at a given clock)."""
    kwargs = {"now": now.isoformat()} if now else {}
    # A broker that just restarted may refuse one tick: the next one reconnects (as beat would).
    with contextlib.suppress(Exception):
        dispatch.apply_async(kwargs=kwargs, queue=env["queue"])


def beat_until(env, now, predicate, timeout=45):
    """Beat runs every minute: a run that finds the lock held (e.g. by the booking's nudge) leaves
    the work to the next one. Emulate that: beat again until the predicate holds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        beat(env, now() if callable(now) else now)
        for _ in range(20):
            if predicate():
                return
            time.sleep(0.2)
    pytest.fail("Condition non remplie")


def settle(env, timeout=30):
    """Wait until everything asked of the worker so far has run — to prove that nothing (more)
    happened without a fixed delay: the nudges' background threads are done, then a marker task
    sent last on the same (FIFO) queue has run, then the worker has no task running or reserved."""
    deadline = time.monotonic() + timeout
    while any(t.name == "notifications-kick" and t.is_alive() for t in threading.enumerate()):
        if time.monotonic() > deadline:
            pytest.fail("Relance du répartiteur toujours en cours")
        time.sleep(0.05)
    marker = f"marker-{uuid.uuid4().hex[:12]}"
    heartbeat.apply_async(kwargs={"name": marker}, queue=env["queue"])
    node = f"{env['queue']}@{os.uname().nodename}"
    while time.monotonic() < deadline:
        if WorkerHeartbeat.objects.filter(name=marker).exists():
            try:
                inspect = app.control.inspect(destination=[node], timeout=1)
                replies = (inspect.active() or {}, inspect.reserved() or {})
            except Exception:  # a pooled connection that predates a Redis restart: ask again
                continue
            if not [task for reply in replies for task in reply.get(node, [])]:
                return
        time.sleep(0.1)
    pytest.fail("Le worker n'a pas fini ses tâches")


def book(env, day, hour=14, phone="+33612345678", **kw):
    usager = UsagerFactory(mds=env["mds"], canal_contact="sms", telephone=phone)
    return book_appointment(
        mds=env["mds"],
        motif=env["motif"],
        start=at(day, hour),
        usager=usager,
        channel=CanalReservation.ACCUEIL,
        reminder_channel=CanalRappel.SMS,
        **kw,
    )


def status(rdv, kind):
    return Message.objects.for_object(rdv).get(kind=kind)


def daytime():
    """Tomorrow noon: the real clock may be inside the SMS quiet hours."""
    return (timezone.now() + timedelta(days=1)).astimezone(PARIS).replace(hour=12, minute=0, second=0, microsecond=0)


def test_booking_confirmation_then_exactly_one_j2_reminder(env, wait_for):
    day = next_open_day(min_days=6)
    rdv = book(env, day)
    beat_until(env, daytime(), lambda: status(rdv, Kind.CONFIRMATION_RDV).status == Status.ENVOYE)
    assert len(env["fake"].accepted()) == 1
    j2 = status(rdv, Kind.RAPPEL_RDV_J2)
    # Two beats at J-2 (and one later): exactly one reminder.
    beat(env, j2.send_at + timedelta(minutes=1))
    beat(env, j2.send_at + timedelta(minutes=1))
    wait_for(lambda: status(rdv, Kind.RAPPEL_RDV_J2).status == Status.ENVOYE, timeout=30)
    beat(env, j2.send_at + timedelta(minutes=2))
    settle(env)
    bodies = [r["body"]["content"] for r in env["fake"].accepted()]
    assert len(bodies) == 2 and bodies[1].startswith("Rappel : vous avez rendez-vous")
    assert status(rdv, Kind.RAPPEL_RDV_J2).provider_message_id == str(env["fake"].accepted()[1]["messageId"])


def test_reschedule_and_cancel(env, wait_for):
    day = next_open_day(min_days=6)
    rdv = book(env, day)
    old_j2 = status(rdv, Kind.RAPPEL_RDV_J2).send_at
    reschedule_appointment(rendez_vous=rdv, start=at(next_open_day(day, min_days=7), 10))
    new_j2 = status(rdv, Kind.RAPPEL_RDV_J2).send_at
    assert new_j2 > old_j2 + timedelta(days=6)
    # At the old reminder time only the confirmation goes.
    beat_until(env, old_j2 + timedelta(minutes=1), lambda: status(rdv, Kind.CONFIRMATION_RDV).status == Status.ENVOYE)
    assert status(rdv, Kind.RAPPEL_RDV_J2).status == Status.PLANIFIE
    cancel_appointment(rendez_vous=rdv, by_visitor=True)
    beat_until(env, daytime(), lambda: status(rdv, Kind.ANNULATION_RDV).status == Status.ENVOYE)
    beat(env, new_j2 + timedelta(minutes=1))
    settle(env)
    contents = [r["body"]["content"] for r in env["fake"].accepted()]
    assert len(contents) == 2 and "annulé" in contents[1]
    assert status(rdv, Kind.RAPPEL_RDV_J2).status == Status.ANNULE


def test_quiet_hours_postpone_to_eight(env, wait_for):
    rdv = book(env, next_open_day(min_days=6))
    night = daytime().replace(hour=22, minute=30)

    def postponed_past_night():
        # Booked by day, the confirmation is due now and the night beat moves it to 08:00 the next
        # morning; booked at night (real clock in quiet hours), it is already planned for 08:00, which
        # the later night beat finds due and moves again. Either way: 08:00, after the night beat.
        send_at = status(rdv, Kind.CONFIRMATION_RDV).send_at
        return send_at > night and send_at.astimezone(PARIS).hour == 8

    beat_until(env, night, postponed_past_night)
    confirmation = status(rdv, Kind.CONFIRMATION_RDV)
    assert confirmation.status == Status.PLANIFIE and not env["fake"].requests
    assert confirmation.send_at > night
    beat_until(env, confirmation.send_at, lambda: status(rdv, Kind.CONFIRMATION_RDV).status == Status.ENVOYE)


def test_provider_5xx_then_success_delivers_once(env, wait_for):
    env["fake"].script(["500", "503"])
    rdv = book(env, next_open_day(min_days=6))
    start = daytime()
    for attempts in (1, 2, 3):
        # Each beat runs at the time the previous failure asked to retry (backoff).
        beat_until(
            env,
            lambda: max(start, status(rdv, Kind.CONFIRMATION_RDV).send_at),
            lambda attempts=attempts: (
                status(rdv, Kind.CONFIRMATION_RDV).attempts == attempts
                and status(rdv, Kind.CONFIRMATION_RDV).status != Status.EN_COURS
            ),
        )
    assert status(rdv, Kind.CONFIRMATION_RDV).status == Status.ENVOYE
    assert status(rdv, Kind.CONFIRMATION_RDV).attempts == 3
    assert [r["status"] for r in env["fake"].requests] == [500, 503, 201]


def test_invalid_number_fails_without_retry(env, wait_for):
    rdv = book(env, next_open_day(min_days=6), phone="+33619990000")
    beat_until(env, daytime(), lambda: status(rdv, Kind.CONFIRMATION_RDV).status == Status.ECHEC)
    beat(env, daytime() + timedelta(hours=2))
    settle(env)
    message = status(rdv, Kind.CONFIRMATION_RDV)
    assert message.attempts == 1 and "400" in message.last_error
    assert len(env["fake"].requests) == 1


@pytest.mark.redis_outage
def test_booking_with_redis_stopped_then_sent_once_after_restart(env, wait_for, log_output):
    day = next_open_day(min_days=6)
    started = time.monotonic()
    baseline = book(env, day, hour=9)  # Redis up: reference duration on this machine
    baseline_seconds = time.monotonic() - started
    cancel_appointment(rendez_vous=baseline)
    # Let the nudges of that booking finish: a task in flight when the broker dies can leave a
    # Celery worker (acks_late) waiting forever for its ack (see docs/notifications.md).
    settle(env)
    devservers.stop_redis()
    try:
        started = time.monotonic()
        rdv = book(env, day, hour=10)  # commits; the nudge fails in the background
        booking_seconds = time.monotonic() - started
        assert status(rdv, Kind.CONFIRMATION_RDV).status == Status.PLANIFIE
        # Let the background nudge fail (redis-py retries a refused connection with backoff: wait for
        # its warning rather than a fixed delay).
        deadline = time.monotonic() + 30
        while "relance du répartiteur impossible" not in log_output() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        devservers.redis_url()  # restart (same port, same data)
    # The web request does not wait on the dead broker (kombu alone would retry for seconds).
    assert booking_seconds < baseline_seconds + 1, (booking_seconds, baseline_seconds)
    assert "relance du répartiteur impossible" in log_output()
    # Beat keeps ticking; once the worker has reconnected (Celery retries with backoff) it sends.
    beat_until(env, daytime(), lambda: status(rdv, Kind.CONFIRMATION_RDV).status == Status.ENVOYE, timeout=120)
    settle(env)
    confirmations = [r for r in env["fake"].accepted() if "confirmé" in r["body"]["content"]]
    assert len(confirmations) == 1 and confirmations[0]["body"]["tag"] == str(
        status(rdv, Kind.CONFIRMATION_RDV).idempotency_key
    )


def test_two_beats_and_an_extra_dispatcher_never_double_send(env, wait_for):
    usagers = [UsagerFactory(mds=env["mds"], canal_contact="sms") for _ in range(15)]
    now = daytime()
    for usager in usagers:
        for kind in (Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2):
            MessageFactory(usager=usager, kind=kind, send_at=now - timedelta(minutes=1))
    beat(env, now)
    beat(env, now)  # two "beats" on a worker with two processes
    dispatch_due(now=now)  # and a third dispatcher in this process
    beat_until(env, now, lambda: Message.objects.filter(status=Status.ENVOYE).count() == 30)
    settle(env)
    tags = [r["body"]["tag"] for r in env["fake"].accepted()]
    assert len(tags) == 30 and len(set(tags)) == 30


def test_worker_killed_mid_send_does_not_duplicate(django_db_setup, fake, settings, wait_for, mds_a):
    """SIGKILL during the provider call: the SMS reached the provider, the worker never recorded it.
    The next dispatcher marks it "envoi incertain" (echec, shown on the desk) instead of resending."""
    queue = f"notifications-kill-{os.getpid()}"
    use_fake_provider(settings, fake, queue)
    fake.requests.clear()
    received = fake.received
    fake.script(["slow"])
    never_called = MessageFactory(send_at=timezone.now() - timedelta(minutes=1))
    process = start_worker(fake, queue, pool="solo", concurrency=1)
    try:
        now = daytime()
        dispatch.apply_async(kwargs={"now": now.isoformat()}, queue=queue)
        wait_for(lambda: Message.objects.filter(pk=never_called.pk, provider_called_at__isnull=False).exists(), 30)
        wait_for(lambda: fake.received > received, 30)  # the SMS reached the provider, which answers late
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    wait_for(lambda: len(fake.accepted()) == 1, fake.timeout_sleep + 20)  # the provider accepts the SMS
    message = Message.objects.get(pk=never_called.pk)
    assert message.status == Status.EN_COURS
    report = dispatch_due(now=now + timedelta(minutes=5))
    message.refresh_from_db()
    assert report.recovered == 1 and message.status == Status.ECHEC and message.last_error == UNCERTAIN
    dispatch_due(now=now + timedelta(hours=2))
    assert len(fake.accepted()) == 1  # never sent twice
