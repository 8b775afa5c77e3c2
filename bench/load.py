"""`make load`: the mixed desk scenario (bench/locustfile.py) against a running server, or against
gunicorn started here on the embedded (demo) data; prints req/s, p50/p95/p99 and errors per page,
healthz included, and the load averages before and after (docs/benchmarks.md).

    python bench/load.py [--url http://127.0.0.1:8000] [--users 8] [--duration 60s] [--workers 3]
    python bench/load.py --instances 2 --celery   # scale-out: 2 gunicorn, 2 Celery workers, 1 beat
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def wait_http(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - local URL
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url} ne répond pas après {timeout:.0f} s")


def server_env() -> dict:
    from core import devservers

    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    env.update(
        DEBUG="0",
        DATABASE_URL=devservers.database_url(),
        REDIS_URL=devservers.redis_url(),
        LOG_LEVEL="WARNING",
    )
    return env


def start_celery(workers: int) -> list[subprocess.Popen]:
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    processes = [
        subprocess.Popen(
            [*celery, "worker", "-c", "2", "-l", "WARNING", "-n", f"load{k}@%h"], cwd=BASE_DIR, env=server_env()
        )
        for k in range(workers)
    ]
    processes.append(
        subprocess.Popen([*celery, "beat", "-l", "WARNING", "--pidfile", ""], cwd=BASE_DIR, env=server_env())
    )
    return processes


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = server_env()
    env.update(
        WEB_CONCURRENCY=str(workers),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESS_LOG="0",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi:application"],
        cwd=BASE_DIR,
        env=env,
    )


def run_locust(url: str, users: int, duration: str, prefix: str, extra_env: dict | None = None) -> None:
    env = {**os.environ, **(extra_env or {})}
    subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(BASE_DIR / "bench" / "locustfile.py"), "--headless",
         "--host", url, "-u", str(users + 1), "-r", str(users + 1), "-t", duration, "--csv", prefix,
         "--only-summary", "--loglevel", "WARNING", "--stop-timeout", "10"],
        check=False,
        env=env,
    )  # fmt: skip


def report(prefix: str) -> list[dict]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print()
    print(f"{'page':42} {'req':>7} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>5}")
    for row in rows:
        name = row["Name"] if row["Type"] else "TOTAL"
        if row["Name"] == "Aggregated":
            name = "TOTAL (toutes pages, healthz compris)"
        print(
            f"{name[:42]:42} {row['Request Count']:>7} {float(row['Requests/s']):7.1f} {row['50%']:>6} "
            f"{row['95%']:>6} {row['99%']:>6} {row['Failure Count']:>5}"
        )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        lines = list(csv.DictReader(failures.open(encoding="utf-8")))
        for line in lines[:10]:
            print(f"  erreur : {line['Method']} {line['Name']} — {line['Error'][:100]} ×{line['Occurrences']}")
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="serveur déjà démarré, ou le proxy devant plusieurs (sinon : gunicorn lancé ici)")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--duration", default="60s")
    parser.add_argument("--workers", type=int, default=3, help="workers gunicorn (serveur lancé ici)")
    parser.add_argument("--port", type=int, default=8190)
    parser.add_argument("--start-timeout", type=float, default=300, help="attente du démarrage (s)")
    parser.add_argument("--instances", type=int, default=1, help="instances gunicorn (ports consécutifs)")
    parser.add_argument("--celery", action="store_true", help="lancer aussi 2 workers Celery et beat")
    parser.add_argument("--csv", help="préfixe des fichiers CSV de locust (sinon : dossier temporaire)")
    args = parser.parse_args(argv)

    processes = []
    url = args.url
    hosts = []
    if url is None:
        hosts = [f"http://127.0.0.1:{args.port + k}" for k in range(args.instances)]
        processes += [start_gunicorn(args.port + k, args.workers) for k in range(args.instances)]
        url = hosts[0]
    if args.celery:
        processes += start_celery(2)
    try:
        for host in hosts or [url]:
            wait_http(host + "/healthz", args.start_timeout)
        prefix = args.csv or str(Path(tempfile.mkdtemp(prefix="mds-load-")) / "load")
        before = os.getloadavg()
        started = time.monotonic()
        run_locust(url, args.users, args.duration, prefix, {"LOAD_HOSTS": ",".join(hosts)} if len(hosts) > 1 else None)
        after = os.getloadavg()
        target = " + ".join(hosts) if len(hosts) > 1 else url
        print(f"\nCible {target} — {args.users} utilisateurs sans temps de réflexion + 1 sonde healthz, "
              f"{time.monotonic() - started:.0f} s")  # fmt: skip
        report(prefix)
        print(f"\nCharge machine (1/5/15 min) avant : {before[0]:.2f} {before[1]:.2f} {before[2]:.2f} ; "
              f"après : {after[0]:.2f} {after[1]:.2f} {after[2]:.2f} ; {os.cpu_count()} cœurs")  # fmt: skip
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
