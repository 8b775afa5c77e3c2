"""`make run`: wait for the database, migrate, seed demo data on first start, then run the web
server, one Celery worker and beat under a supervisor (core/supervisor.py): a process that exits is
restarted with backoff (1 s, 2 s, 4 s … 30 s); Ctrl-C stops all of them (and the embedded servers)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from core import devservers  # noqa: E402
from core.supervisor import Program, Supervisor  # noqa: E402

PY = sys.executable
HOST = os.environ.get("HOST", "127.0.0.1")
PORT = os.environ.get("PORT", "8000")


def manage(*args, env):
    subprocess.run([PY, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def main() -> int:
    embedded = not os.environ.get("DATABASE_URL") or not os.environ.get("REDIS_URL")
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env["DATABASE_URL"] = devservers.database_url()
    env["MIGRATION_DATABASE_URL"] = devservers.migration_database_url()
    env["REDIS_URL"] = devservers.redis_url()
    env["PYTHONUNBUFFERED"] = "1"
    wait = float(os.environ.get("WAIT_FOR_DB_SECONDS", "120"))
    if not devservers.wait_for_database(env["DATABASE_URL"], wait, log=print):
        print(f"PostgreSQL ne répond toujours pas après {wait:.0f} s : abandon.", file=sys.stderr)
        return 1
    if not devservers.wait_for_redis(env["REDIS_URL"], wait):
        print(f"Redis ne répond toujours pas après {wait:.0f} s : abandon.", file=sys.stderr)
        return 1
    print("Base de données et Redis prêts" + (" (embarqués dans .data/)." if embedded else "."))

    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("sync_periodic_tasks", env=env)
    seeded = devservers.data_dir() / ".demo-seeded"
    if not seeded.exists():
        print("Premier démarrage : création des données de démonstration (une minute environ)…")
        manage("seed_demo", "--quiet-accounts", env=env)
        seeded.touch()

    celery = [PY, "-m", "celery", "-A", "config"]
    supervisor = Supervisor(
        [
            Program("web", [PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], env, str(BASE_DIR)),
            Program("worker", [*celery, "worker", "-c", "2", "-l", "INFO", "-n", "worker@%h"], env, str(BASE_DIR)),
            Program("beat", [*celery, "beat", "-l", "INFO", "--pidfile", ""], env, str(BASE_DIR)),
        ]
    )
    supervisor.start()

    from core.demo_accounts import accounts_table

    print("\n" + "=" * 72)
    print(f"MDS connectée : http://{HOST}:{PORT}/   (état : http://{HOST}:{PORT}/healthz/ready)")
    print(accounts_table())
    print("Ctrl-C pour tout arrêter.")
    print("=" * 72 + "\n", flush=True)

    signal.signal(signal.SIGINT, supervisor.request_stop)
    signal.signal(signal.SIGTERM, supervisor.request_stop)
    supervisor.run()
    print("Arrêt demandé : arrêt des processus…", flush=True)
    supervisor.stop()
    if embedded:
        devservers.stop()
    print("Tout est arrêté.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
