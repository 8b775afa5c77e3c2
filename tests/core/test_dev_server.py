"""`make run` (config.settings.dev) shows the French error pages, not Django's debug pages, unless
DEBUG=1; static files are still served. A real runserver on a free port."""

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import _database_url

pytestmark = pytest.mark.django_db


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextlib.contextmanager
def runserver(**extra_env):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.dev", REDIS_URL=settings.REDIS_URL,
               DATABASE_URL=_database_url(connection.settings_dict), **extra_env)  # fmt: skip
    if "DEBUG" not in extra_env:
        env.pop("DEBUG", None)  # the default of `make run`
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get(base + "/healthz")
                break
            except OSError:
                assert process.poll() is None and time.monotonic() < deadline, "runserver did not start"
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_make_run_shows_french_pages_and_serves_static_files():
    with runserver() as base:
        status, html = get(base + "/page-inexistante/")
        assert status == 404
        assert "Page introuvable" in html and "URLconf" not in html and "Traceback" not in html
        status, css = get(base + "/static/css/app.css")
        assert status == 200 and css


def test_debug_1_turns_the_debug_pages_on():
    with runserver(DEBUG="1") as base:
        status, html = get(base + "/page-inexistante/")
        assert status == 404 and "URLconf" in html
