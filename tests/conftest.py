import io
import logging

import pytest
from django.test import Client

from core.logging import JsonFormatter, RedactPersonalDataFilter
from core.roles import Role
from tests.factories import MDSFactory, UserFactory


def pytest_sessionfinish(session, exitstatus):
    """Stop the embedded servers if this test run started them."""
    from core import devservers

    devservers.stop_if_started_here()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database is created and migrated by the owner role; the tests then run as the
    application role, like the web server and the worker (core/db_roles.py), so journal protections
    are exercised by the real connection."""
    from django.conf import settings

    from core.db_roles import use_credentials

    use_credentials(settings.DATABASE_APP)
    from core import throttle

    with django_db_blocker.unblock():
        throttle.clear_all()  # login counters left in the test Redis by a previous run
    yield
    use_credentials(settings.DATABASE_OWNER)


@pytest.fixture
def mds_a(db):
    return MDSFactory(code="AAA", nom="MDS Alpha", commune="Marseille")


@pytest.fixture
def mds_b(db):
    return MDSFactory(code="BBB", nom="MDS Bêta", commune="Marignane")


@pytest.fixture
def make_user(db, mds_a):
    """make_user(role, mds=mds_a, **fields) → a saved staff member."""

    def make(role=Role.MEDIATEUR, mds="default", **fields):
        return UserFactory(role=role, mds=mds_a if mds == "default" else mds, **fields)

    return make


@pytest.fixture
def client_for():
    """client_for(user) → a Django test client logged in as ``user``."""

    def make(user):
        from tests.auth_helpers import login_client

        return login_client(Client(), user)

    return make


@pytest.fixture
def mediateur(make_user):
    return make_user(Role.MEDIATEUR)


@pytest.fixture
def directeur(make_user):
    return make_user(Role.DIRECTEUR)


@pytest.fixture
def sms_file(settings, tmp_path):
    """SMS written to a JSON-lines file (the file backend); returns a reader of what was sent."""
    path = tmp_path / "sms.jsonl"
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.backends.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(path)

    def read():
        import json

        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    return read


@pytest.fixture
def log_output():
    """Everything written to the logs during the test, formatted exactly as production writes it
    (same redaction filter and JSON formatter), whatever the logger. Call it to get the text."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    watched = [root] + [logging.getLogger(n) for n in ("django.request", "django.server", "django.security")]
    for logger in watched:
        logger.addHandler(handler)
    yield stream.getvalue
    for logger in watched:
        logger.removeHandler(handler)
    root.setLevel(old_level)


def _database_url(settings_dict) -> str:
    from urllib.parse import quote

    user = quote(settings_dict["USER"] or "")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict.get("PASSWORD") else ""
    host = quote(settings_dict["HOST"] or "", safe="")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings_dict['NAME']}"


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the test database and the test Redis database."""
    import os
    import subprocess
    import sys
    import time

    from django.conf import settings
    from django.db import connection

    from config.celery import app

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
        PYTHONUNBUFFERED="1",
    )
    app.control.purge()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-P", "solo", "-l", "WARNING",
         "--without-gossip", "--without-mingle", "-n", f"test-{os.getpid()}@%h"],
        env=env,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("Le worker Celery de test n'a pas démarré.")
        yield process
    finally:
        # Whatever happened (Redis gone during the ping, a failure): never leave a worker behind, it
        # would take the next run's tasks on the same broker and write them to a dropped database.
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def wait_for():
    """wait_for(predicate, timeout) → the first truthy value of predicate(), or fail."""
    import time

    def wait(predicate, timeout=20, interval=0.1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(interval)
        pytest.fail(f"Condition non remplie après {timeout} s")

    return wait
