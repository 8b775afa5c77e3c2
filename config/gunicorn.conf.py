"""gunicorn settings (docker-compose, the Dockerfile, `make load`): everything from the environment.

    gunicorn -c config/gunicorn.conf.py config.wsgi:application

- ``GUNICORN_BIND`` (default ``0.0.0.0:8000``): inside docker-compose only the reverse proxy reaches
  it; never publish this port (it trusts ``X-Forwarded-Proto`` from ``FORWARDED_ALLOW_IPS``).
- ``WEB_CONCURRENCY`` workers (default 2 × cores + 1, at most 8), ``GUNICORN_THREADS`` (default 1).
- ``--preload``: the application is imported once in the master, so a worker's first request does
  not pay for importing Django and every app (9–23 s on a loaded machine without it).
- Before starting, waits up to ``WAIT_FOR_DB_SECONDS`` (default 60) for PostgreSQL instead of
  failing; past that delay it starts anyway and serves the French 503 page until the database is back.
"""

import importlib.util
import multiprocessing
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(8, multiprocessing.cpu_count() * 2 + 1)))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
preload_app = True
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# The reverse proxy's address(es): only they may set X-Forwarded-Proto / X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = "-" if os.environ.get("GUNICORN_ACCESS_LOG", "1") == "1" else None
# Method, path without the query string, status, duration: no personal data in the access log.
access_log_format = "%(m)s %(U)s %(s)s %(L)s"
# In a container, set GUNICORN_WORKER_TMP_DIR=/dev/shm (heartbeat files off the overlay disk).
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR") or None

# Log redaction (core/gunicorn_logging.py) when that module is there; gunicorn's own logger otherwise.
if importlib.util.find_spec("core.gunicorn_logging") is not None:
    logger_class = "core.gunicorn_logging.RedactingLogger"


def on_starting(server):
    from core.devservers import database_url, wait_for_database

    wait = float(os.environ.get("WAIT_FOR_DB_SECONDS", "60"))
    if not wait_for_database(database_url(), wait, log=server.log.warning):
        server.log.warning("PostgreSQL injoignable après %.0f s : démarrage quand même (pages 503)", wait)
