import pytest
from django.urls import reverse

from core.logging import redact

pytestmark = pytest.mark.django_db

CANARY_EMAIL = "canari.zebulon@exemple-canari.fr"
CANARY_PHONE = "06 12 34 56 78"
CANARY_NAME = "Zebulonissime"


def test_redact_masks_emails_phones_and_query_strings():
    text = redact(f"GET /usagers/?q={CANARY_NAME} from {CANARY_EMAIL} tel {CANARY_PHONE}")
    assert CANARY_NAME not in text and CANARY_EMAIL not in text and "06 12" not in text


def test_canary_values_typed_in_forms_never_reach_the_logs(client, client_for, mediateur, log_output):
    client.post(reverse("account_login"), {"login": CANARY_EMAIL, "password": CANARY_NAME})
    client.post(reverse("account_reset_password"), {"email": CANARY_EMAIL})
    staff = client_for(mediateur)
    staff.get(f"/usagers/?q={CANARY_NAME}&tel={CANARY_PHONE}")
    staff.get(f"/page-inexistante/?nom={CANARY_NAME}&email={CANARY_EMAIL}")
    staff.post("/usagers/nouveau/", {"prenom": CANARY_NAME, "telephone": CANARY_PHONE, "email": CANARY_EMAIL})
    output = log_output()
    assert '"path"' in output  # requests were logged…
    for canary in (CANARY_EMAIL, CANARY_NAME, "06 12 34 56 78", "0612345678"):
        assert canary not in output  # …without any personal value


# --- secrets in URLs: redacted in every log -----------------------------------------------------------

CANARY_TOKEN = "CanaryTok3nZebulon"
TOKEN_PATHS = [
    f"/accueil/ecran/{CANARY_TOKEN}/",
    f"/borne/a/{CANARY_TOKEN}",
    f"/accounts/password/reset/key/1z-{CANARY_TOKEN}/",
    f"/accounts/confirm-email/{CANARY_TOKEN}/",
]


def test_every_url_with_a_secret_parameter_is_known():
    """The redaction reads the URLconf: each URL with a key/token/jeton parameter has a route."""
    from core.logging import secret_routes

    routes = " ".join(r.pattern for r in secret_routes())
    for prefix in ("/accueil/ecran/", "/borne/a/", "/accounts/password/reset/key/", "/accounts/confirm-email/"):
        assert prefix in routes


def test_token_paths_are_masked_in_the_request_log(client, client_for, mediateur, log_output):
    staff = client_for(mediateur)
    for path in TOKEN_PATHS:
        client.get(path + "?jeton=" + CANARY_TOKEN)
        staff.get(path)
    output = log_output()
    assert output.count('"path"') >= 2 * len(TOKEN_PATHS)
    assert CANARY_TOKEN not in output
    assert "/accueil/ecran/[masqué]/" in output and "/borne/a/[masqué]" in output


def test_token_paths_are_masked_in_error_logs(rf, log_output):
    """django.request (4xx/5xx) and runserver's django.server lines carry the path: masked, no query."""
    import logging

    from django.http import HttpResponse
    from django.utils.log import log_response

    for path in TOKEN_PATHS:
        request = rf.get(path, {"q": CANARY_NAME})
        log_response("Internal Server Error: %s", request.get_full_path(), response=HttpResponse(status=500),
                     request=request)  # fmt: skip
        log_response("Not Found: %s", request.path, response=HttpResponse(status=404), request=request)
        logging.getLogger("django.server").error('"GET %s HTTP/1.1" 500 145', request.get_full_path())
    output = log_output()
    assert "Internal Server Error" in output  # 4xx are not written (django.request at ERROR)…
    assert CANARY_TOKEN not in output and CANARY_NAME not in output
    for path in TOKEN_PATHS:  # …and would be masked if they were
        assert CANARY_TOKEN not in redact(f"Not Found: {path}?q={CANARY_NAME}")


def test_gunicorn_access_and_error_logs_mask_tokens_and_query_strings(tmp_path):
    """A real gunicorn with ``logger_class = core.gunicorn_logging.RedactingLogger``."""
    import contextlib
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    from django.conf import settings
    from django.db import connection

    from tests.conftest import _database_url

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    access_log, error_log = tmp_path / "access.log", tmp_path / "error.log"
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings.test",
        DATABASE_URL=_database_url(connection.settings_dict),
        REDIS_URL=settings.REDIS_URL,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--logger-class", "core.gunicorn_logging.RedactingLogger", "--access-logfile", str(access_log),
         "--error-logfile", str(error_log),
         "--access-logformat", '%(h)s "%(r)s" %(s)s %(U)s q=%(q)s ref=%(f)s'],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                assert process.poll() is None, "gunicorn exited"
                time.sleep(0.2)
        for path in TOKEN_PATHS:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}?q={CANARY_NAME}&tel=0612345678",
                headers={"Referer": f"http://127.0.0.1:{port}/borne/a/{CANARY_TOKEN}?x={CANARY_NAME}"},
            )
            with contextlib.suppress(urllib.error.HTTPError):  # 404, 302…: the line is logged all the same
                urllib.request.urlopen(request, timeout=30)
        deadline = time.monotonic() + 20
        while access_log.read_text().count("\n") < 1 + len(TOKEN_PATHS):
            assert time.monotonic() < deadline, access_log.read_text()
            time.sleep(0.1)
    finally:
        process.terminate()
        process.wait(timeout=30)
    logged = access_log.read_text() + error_log.read_text()
    assert "/accueil/ecran/[masqué]/" in logged and "/borne/a/[masqué]" in logged
    for canary in (CANARY_TOKEN, CANARY_NAME, "0612345678"):
        assert canary not in logged
