"""`make run`'s supervisor (core/supervisor.py) with a real Celery worker and beat: kill -9 one of
them, it comes back (with backoff) and its sign of life resumes; stop() ends every process."""

import os
import signal
import threading
import time

import pytest
from django.utils import timezone

from core.models import WorkerHeartbeat
from core.supervisor import Program, Supervisor
from tests.ops.conftest import beat_argv, process_env, worker_argv

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def signal_after(name, moment):
    row = WorkerHeartbeat.objects.filter(name=name).first()
    return row is not None and row.last_seen > moment


def test_a_killed_worker_or_beat_is_restarted_and_ctrl_c_stops_everything(wait_for):
    worker_name = f"sup-{os.getpid()}@{os.uname().nodename}"
    env = process_env()
    supervisor = Supervisor(
        [Program("worker", worker_argv(worker_name), env), Program("beat", beat_argv(), env)],
        min_backoff=1,
        stable_after=60,
        log=lambda message: None,
    )
    supervisor.start()
    thread = threading.Thread(target=supervisor.run, kwargs={"interval": 0.2}, daemon=True)
    thread.start()
    worker, beat = supervisor.programs["worker"], supervisor.programs["beat"]
    try:
        started = timezone.now()
        wait_for(lambda: signal_after(f"worker:{worker_name}", started), timeout=90)
        wait_for(lambda: signal_after("beat", started), timeout=90)

        for program, sign in ((worker, f"worker:{worker_name}"), (beat, "beat")):
            first_pid = program.process.pid
            os.kill(first_pid, signal.SIGKILL)
            wait_for(lambda program=program, first_pid=first_pid: program.process.pid != first_pid, timeout=30)
            assert program.restarts == 1
            killed_at = timezone.now()
            wait_for(lambda sign=sign, killed_at=killed_at: signal_after(sign, killed_at), timeout=90)

        # A process that keeps crashing right after its start waits longer each time.
        backoffs = []
        for _ in range(3):
            pid = beat.process.pid
            os.kill(pid, signal.SIGKILL)
            wait_for(lambda pid=pid: beat.process.pid != pid, timeout=30)
            backoffs.append(beat.backoff)
        assert backoffs == sorted(backoffs) and backoffs[-1] > backoffs[0]
    finally:
        supervisor.request_stop()
        thread.join(timeout=5)
        pids = [pid for program in supervisor.programs.values() for pid in program.pids]
        supervisor.stop()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in pids)
