"""`make backup` / `make restore FILE=…`: pg_dump in custom format and pg_restore, on the embedded
database or on the one DATABASE_URL names (docs/operations.md, « Sauvegarde et restauration »).

    python scripts/backup.py backup [--output backups/mds-….dump]
    python scripts/backup.py restore FILE [--target-url URL | --new-database NAME] [--yes]

The client binaries are the ones shipped with the embedded PostgreSQL (pgserver, PostgreSQL 16) when
present, else ``pg_dump``/``pg_restore`` from PATH (PG_BIN_DIR=… chooses a directory): use a client
at least as recent as the server. Restoring over the configured database replaces its content:
stop the web server, the worker and beat first, and pass --yes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def binary(name: str) -> str:
    candidates = []
    if os.environ.get("PG_BIN_DIR"):
        candidates.append(Path(os.environ["PG_BIN_DIR"]) / name)
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for candidate in candidates:
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"{name} introuvable : installez le client PostgreSQL ou donnez PG_BIN_DIR.")
    return found


def database_url() -> str:
    from core import devservers

    # The owner role (MIGRATION_DATABASE_URL, else DATABASE_URL, else the embedded server's owner):
    # the application role may not read every table back nor create a database.
    return devservers.migration_database_url()


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(name)))


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def backup(output: Path | None = None, url: str | None = None) -> Path:
    url = url or database_url()
    if output is None:
        (BASE_DIR / "backups").mkdir(exist_ok=True)
        output = BASE_DIR / "backups" / f"mds-{dt.datetime.now():%Y%m%d-%H%M%S}.dump"
    # Custom format: compressed, restorable table by table, checked by pg_restore --list.
    subprocess.run(
        [binary("pg_dump"), "--format=custom", "--no-owner", "--file", str(output), "--dbname", url], check=True
    )
    listing = subprocess.run([binary("pg_restore"), "--list", str(output)], check=True, capture_output=True, text=True)
    tables = sum(1 for line in listing.stdout.splitlines() if " TABLE DATA " in line)
    output.with_suffix(output.suffix + ".sha256").write_text(f"{sha256(output)}  {output.name}\n")
    print(f"Sauvegarde : {output} ({output.stat().st_size / 1e6:.1f} Mo, {tables} tables)")
    return output


def restore(file: Path, *, target_url: str | None = None, new_database: str | None = None) -> str:
    checksum = file.with_suffix(file.suffix + ".sha256")
    if checksum.exists() and checksum.read_text().split()[0] != sha256(file):
        raise SystemExit(f"{file} ne correspond pas à son empreinte {checksum.name} : fichier abîmé ?")
    url = target_url or database_url()
    if new_database:
        subprocess.run(
            [binary("psql"), "--quiet", "--dbname", url, "-c", f'CREATE DATABASE "{new_database}"'],
            check=True,
        )
        url = with_database(url, new_database)
    subprocess.run(
        [binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--exit-on-error", "--single-transaction",
         "--dbname", url, str(file)],
        check=True,
    )  # fmt: skip
    print(f"Restauration terminée dans {urlsplit(url).path.lstrip('/')}.")
    return url


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("--output", type=Path)
    r = sub.add_parser("restore")
    r.add_argument("file", type=Path)
    r.add_argument("--target-url")
    r.add_argument("--new-database")
    r.add_argument("--yes", action="store_true", help="remplacer le contenu de la base configurée")
    args = parser.parse_args(argv)
    if args.command == "backup":
        backup(args.output)
        return 0
    if not args.file.exists():
        raise SystemExit(f"Fichier introuvable : {args.file}")
    if not (args.new_database or args.target_url or args.yes):
        raise SystemExit(
            "La restauration remplace le contenu de la base configurée. Arrêtez le web, le worker et beat, "
            "puis relancez avec YES=1 (make) ou --yes ; ou restaurez à côté avec --new-database NOM."
        )
    restore(args.file, target_url=args.target_url, new_database=args.new_database)
    return 0


if __name__ == "__main__":
    sys.exit(main())
