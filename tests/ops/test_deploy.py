"""Production-like serving: docker-compose.yml's shape, .env.example's completeness, and gunicorn
with config/gunicorn.conf.py and the production settings behind a small local reverse proxy that
terminates "TLS" like Caddy does (sets X-Forwarded-Proto). A client that reaches gunicorn directly
cannot make itself look like HTTPS."""

import http.client
import http.server
import re
import threading
from pathlib import Path

import pytest
import yaml

from tests.ops.conftest import free_port, get, gunicorn_argv, wait_http

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PROXY_ADDRESS = "127.0.0.2"  # the proxy's own source address: the only one gunicorn trusts


def compose():
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def test_every_service_restarts_and_has_a_health_check():
    services = compose()["services"]
    assert {"proxy", "web", "worker", "beat", "postgres", "redis", "migrate"} <= set(services)
    for name, service in services.items():
        if name == "migrate":  # one-shot job
            assert service["restart"] == "no"
            continue
        assert service["restart"] == "unless-stopped", name
        assert service["healthcheck"]["test"] and not service["healthcheck"].get("disable"), name


def test_only_the_proxy_is_published_and_gunicorn_is_preloaded():
    services = compose()["services"]
    assert [name for name, s in services.items() if s.get("ports")] == ["proxy"]
    assert "443:443" in services["proxy"]["ports"]
    assert services["web"]["command"][:3] == ["gunicorn", "-c", "config/gunicorn.conf.py"]
    assert "WEB_CONCURRENCY" in services["web"]["environment"]
    caddyfile = (BASE_DIR / "deploy/Caddyfile").read_text()
    assert "reverse_proxy" in caddyfile and "X-Forwarded-Proto {scheme}" in caddyfile
    assert "jit=off" in services["postgres"]["command"] and "autovacuum=on" in services["postgres"]["command"]


def test_gunicorn_config_preloads_and_reads_workers_from_the_environment(monkeypatch):
    import runpy

    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    config = runpy.run_path(str(BASE_DIR / "config/gunicorn.conf.py"))
    assert config["preload_app"] is True and config["workers"] == 5
    assert config["forwarded_allow_ips"] == "127.0.0.1,::1"


def variables_read_by_the_code():
    names = set()
    for path in [*BASE_DIR.glob("config/**/*.py"), BASE_DIR / "notifications/conf.py"]:
        text = path.read_text()
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'os\.environ\.get\(\s*"([A-Z][A-Z0-9_]+)"', text))
        names |= set(re.findall(r'"(NOTIFICATIONS_[A-Z0-9_]+)": \(', text))
    return names


def test_env_example_documents_every_production_variable():
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (BASE_DIR / ".env.example").read_text(), re.M))
    internal = {"DJANGO_SETTINGS_MODULE", "MDS_DATA_DIR", "MEDIA_ROOT", "GUNICORN_BIND", "GUNICORN_ACCESS_LOG",
                "GUNICORN_WORKER_TMP_DIR", "MDS_BEAT_FULL_SYNC_SECONDS", "PILOTAGE_SEED_FRACTION",
                "NOTIFICATIONS_SMS_FILE_PATH", "NOTIFICATIONS_BREVO_API_URL", "NOTIFICATIONS_DISPATCH_QUEUE",
                "NOTIFICATIONS_BATCH_SIZE", "NOTIFICATIONS_RUN_BUDGET",
                "PYTEST_XDIST_WORKER"}  # fmt: skip
    missing = variables_read_by_the_code() - internal - documented
    assert not missing, f"absentes de .env.example : {sorted(missing)}"


class _Proxy(http.server.ThreadingHTTPServer):
    daemon_threads = True


def start_proxy(upstream_port):
    """Forwards to gunicorn from PROXY_ADDRESS, overwriting X-Forwarded-Proto with "https" (the
    scheme the client used with the real proxy, which terminates TLS)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            headers = {k: v for k, v in self.headers.items() if k.lower() != "x-forwarded-proto"}
            headers["X-Forwarded-Proto"] = "https"
            upstream = http.client.HTTPConnection(
                "127.0.0.1", upstream_port, timeout=30, source_address=(PROXY_ADDRESS, 0)
            )
            upstream.request("GET", self.path, headers=headers)
            response = upstream.getresponse()
            body = response.read()
            self.send_response(response.status)
            for key, value in response.getheaders():
                if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            upstream.close()

        def log_message(self, *args):
            pass

    server = _Proxy(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_x_forwarded_proto_is_trusted_from_the_proxy_only(spawn):
    port = free_port()
    spawn(
        "web-prod",
        gunicorn_argv(port, workers=2),
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        ALLOWED_HOSTS="mds.example.org",
        JOURNAL_HMAC_KEY="test-only-journal-key-0123456789abcdefghijklmnopqrstuvwxyz",
        FORWARDED_ALLOW_IPS=PROXY_ADDRESS,
        GUNICORN_ACCESS_LOG="0",
    )
    host = {"Host": "mds.example.org"}
    proxy = start_proxy(port)
    try:
        via_proxy = f"http://127.0.0.1:{proxy.server_address[1]}"
        page = wait_http(f"{via_proxy}/accounts/login/", 200, timeout=120, headers=host)
        assert "__Host-csrftoken" in page.headers["Set-Cookie"] and "Secure" in page.headers["Set-Cookie"]
        assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        # Straight to gunicorn, claiming HTTPS: not believed, redirected to https:// instead.
        direct = get(f"http://127.0.0.1:{port}/accounts/login/", headers={**host, "X-Forwarded-Proto": "https"})
        assert direct.status_code == 301 and direct.headers["Location"] == "https://mds.example.org/accounts/login/"
    finally:
        proxy.shutdown()
