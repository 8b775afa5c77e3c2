"""`make run`: migrate, seed demo data on first start, then run the web server, one Celery worker
and beat together; Ctrl-C stops all of them (and the embedded servers this script started)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from core import devservers  # noqa: E402

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
    print("Base de données et Redis prêts" + (" (embarqués dans .data/)." if embedded else "."))

    manage("migrate", "--noinput", "-v", "0", env=env)
    manage("sync_periodic_tasks", env=env)
    seeded = devservers.data_dir() / ".demo-seeded"
    if not seeded.exists():
        print("Premier démarrage : création des données de démonstration (une minute environ)…")
        manage("seed_demo", "--quiet-accounts", env=env)
        seeded.touch()

    children = [
        subprocess.Popen([PY, "manage.py", "runserver", f"{HOST}:{PORT}", "--noreload"], cwd=BASE_DIR, env=env),
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "config", "worker", "-c", "2", "-l", "INFO", "-n", "worker@%h"],
            cwd=BASE_DIR,
            env=env,
        ),
        subprocess.Popen(
            [PY, "-m", "celery", "-A", "config", "beat", "-l", "INFO", "--pidfile", ""], cwd=BASE_DIR, env=env
        ),
    ]

    from core.demo_accounts import accounts_table

    print("\n" + "=" * 72)
    print(f"MDS connectée : http://{HOST}:{PORT}/   (santé : http://{HOST}:{PORT}/healthz)")
    print(accounts_table())
    print("Ctrl-C pour tout arrêter.")
    print("=" * 72 + "\n", flush=True)

    stopping = False

    def stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        if any(child.poll() is not None for child in children):
            print("Un des processus s'est arrêté : arrêt de l'ensemble.", file=sys.stderr)
            exit_code = 1
            break
        time.sleep(0.5)

    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    if embedded:
        devservers.stop()
    print("Tout est arrêté.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
