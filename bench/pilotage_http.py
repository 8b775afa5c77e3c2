"""The pilotage dashboards over HTTP: gunicorn started here (config/gunicorn.conf.py, DEBUG off) on
whatever data DATABASE_URL holds (see seed_demo --scale departement), signed-in sessions that passed
the TOTP step (coordinator, director of the busiest MDS), 3 warm-up requests per page and worker,
then N requests one after the other and 3 clients at once; every answer must be a 200. Prints a
Markdown table for docs/benchmarks.md.

    DATABASE_URL=… python bench/pilotage_http.py [--requetes 20] [--mois 2026-10] [--workers 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

from load import start_gunicorn, wait_http  # noqa: E402


def _sessions(mois: str) -> tuple[str, str]:
    """Session keys of the bench's coordinator and director (bench_pilotage's users)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.conf import settings

    from core.roles import Role
    from pilotage.management.commands.bench_pilotage import _client, _user, mds_la_plus_active

    biggest = mds_la_plus_active(f"{mois}-01")
    coordinateur = _client(_user("banc-coordinateur@bench.mds13.fr", Role.COORDINATEUR))
    directeur = _client(_user("banc-directeur@bench.mds13.fr", Role.DIRECTEUR, biggest))
    name = settings.SESSION_COOKIE_NAME
    return coordinateur.cookies[name].value, directeur.cookies[name].value


def _get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310 - local URL
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local URL
        response.read()
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} : réponse {response.status} ({response.url})")
    return (time.perf_counter() - start) * 1000


def _clients(url: str, cookie: str, clients: int, each: int) -> tuple[list[float], float]:
    """``clients`` clients at once, ``each`` requests each: (times in ms, elapsed seconds)."""
    times: list[float] = []

    def client():
        for _ in range(each):
            times.append(_get(url, cookie))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, time.perf_counter() - start


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(0.95 * (len(ordered) - 1))))]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requetes", type=int, default=20)
    parser.add_argument("--mois", default="2026-10")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8191)
    args = parser.parse_args(argv)
    coord, direc = _sessions(args.mois)  # sets Django up
    from django.conf import settings

    cookie = settings.SESSION_COOKIE_NAME
    server = start_gunicorn(args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        wait_http(f"{base}/healthz")
        pages = [
            ("Département (mois)", "/pilotage/departement/", "mois", coord),
            ("Département (12 mois)", "/pilotage/departement/", "12mois", coord),
            ("Directeur (mois)", "/pilotage/mds/", "mois", direc),
            ("Directeur (12 mois)", "/pilotage/mds/", "12mois", direc),
        ]
        rows = []
        for label, path, periode, session in pages:
            url = f"{base}{path}?{urlencode({'periode': periode, 'mois': args.mois})}"
            header = f"{cookie}={session}"
            _clients(url, header, args.workers, 3)  # warm-up of every worker, not only the first
            alone = [_get(url, header) for _ in range(args.requetes)]
            together, elapsed = _clients(url, header, 3, 10)
            rows.append((label, alone, together, len(together) / elapsed))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print("| Page | seule : médiane / p95 | 3 clients : médiane / p95 | 3 clients : req/s |")
    print("|---|---:|---:|---:|")
    for label, alone, together, rate in rows:
        print(
            f"| {label} | {statistics.median(alone):.0f} / {_p95(alone):.0f} ms "
            f"| {statistics.median(together):.0f} / {_p95(together):.0f} ms | {rate:.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
