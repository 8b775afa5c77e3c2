"""Real processes for the operations tests: gunicorn (config/gunicorn.conf.py), Celery worker and
beat, all on the test database and the test Redis database, with short signs-of-life intervals so
that outages and recoveries show within seconds."""

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import _database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def process_env(**extra) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        PYTHONUNBUFFERED="1",
        MDS_WORKER_HEARTBEAT_SECONDS="1",
        MDS_BEAT_TICK_RECORD_SECONDS="1",
        MDS_BEAT_FULL_SYNC_SECONDS="2",
        HEALTH_WORKER_STALE_SECONDS="10",
        HEALTH_BEAT_STALE_SECONDS="10",
    )
    env.update(extra)
    return env


class Proc:
    """A child process whose output goes to a file we can search."""

    def __init__(self, name, argv, env):
        self.name = name
        self.log_path = Path(tempfile.mkstemp(prefix=f"ops-{name}-", suffix=".log")[1])
        self.log_file = self.log_path.open("wb")
        self.process = subprocess.Popen(argv, env=env, cwd=BASE_DIR, stdout=self.log_file, stderr=subprocess.STDOUT)

    @property
    def pid(self):
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self):
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log_file.close()
        with contextlib.suppress(OSError):
            self.log_path.unlink()


CELERY = [sys.executable, "-m", "celery", "-A", "config"]


def worker_argv(name):
    return [*CELERY, "worker", "-P", "solo", "-l", "INFO", "--without-gossip", "--without-mingle", "-n", name]


def beat_argv():
    return [*CELERY, "beat", "-l", "INFO", "--pidfile", "", "-s", os.devnull]


def gunicorn_argv(port, workers=1):
    return [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application",
            "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]  # fmt: skip


@pytest.fixture
def spawn():
    """spawn(name, argv, **env) → a Proc, stopped at the end of the test."""
    started = []

    def start(name, argv, **env):
        proc = Proc(name, argv, process_env(**env))
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


class Response:
    def __init__(self, status_code, headers, body):
        self.status_code, self.headers, self.content = status_code, headers, body

    @property
    def text(self):
        return self.content.decode(errors="replace")

    def json(self):
        import json

        return json.loads(self.content)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(url, headers=None, timeout=5):
    """GET without following redirects; None when nothing answers."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())
    except (urllib.error.URLError, OSError):
        return None


def wait_http(url, status, timeout=60, **kwargs):
    deadline = time.monotonic() + timeout
    response = None
    while time.monotonic() < deadline:
        response = get(url, **kwargs)
        if response is not None and response.status_code == status:
            return response
        time.sleep(0.2)
    pytest.fail(f"{url} : {status} attendu, obtenu {response.status_code if response is not None else 'rien'}")
