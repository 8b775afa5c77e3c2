"""`make backup` then `make restore` into a fresh database: the same monthly report hash and an
intact access journal (verifier_journal) on the restored copy — pg_dump/pg_restore for real."""

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

from pilotage.rapports import calculer, empreinte
from scripts import backup as backup_script
from tests.mediation.factories import log
from tests.usagers.factories import UsagerFactory
from usagers.journal import log_access, verify_chain

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
OCTOBRE = dt.date(2026, 10, 1)
BASE_DIR = Path(__file__).resolve().parent.parent.parent

CHECK = """
from core.models import MDS
from pilotage.rapports import calculer, empreinte
from usagers.journal import verify_chain
import datetime as dt
result = verify_chain()
print("journal", result.ok, result.checked)
print("empreinte", empreinte(calculer(dt.date(2026, 10, 1), MDS.objects.get(code="AAA"))[0]))
"""


def test_backup_then_restore_into_a_fresh_database(mds_a, mediateur, tmp_path):
    for k, usager in enumerate(UsagerFactory.create_batch(4, mds=mds_a)):
        log(mds_a, mediateur, usager=usager, date=dt.date(2026, 10, 5 + k), duree=45)
        log_access(user=mediateur, mds=mds_a, operation="consultation", usager=usager)
    expected = empreinte(calculer(OCTOBRE, mds_a)[0])
    journal = verify_chain()
    assert journal.ok and journal.checked >= 4

    from core import devservers

    source = backup_script.with_database(devservers.migration_database_url(), connection.settings_dict["NAME"])
    dump = backup_script.backup(tmp_path / "mds.dump", url=source)
    assert dump.stat().st_size > 0 and (tmp_path / "mds.dump.sha256").exists()
    name = f"restore_{uuid.uuid4().hex[:8]}"
    restored = backup_script.restore(dump, target_url=source, new_database=name)
    try:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": restored}
        out = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", CHECK], cwd=BASE_DIR, env=env, capture_output=True, text=True
        )
        assert out.returncode == 0, out.stderr[-2000:]
        lines = dict(line.split(" ", 1) for line in out.stdout.strip().splitlines() if " " in line)
        assert {"journal", "empreinte"} <= set(lines), out.stdout
        assert lines["journal"] == f"True {journal.checked}"
        assert lines["empreinte"] == expected
    finally:
        subprocess.run(
            [backup_script.binary("psql"), "--quiet", "--dbname", source, "-c", f'DROP DATABASE IF EXISTS "{name}"'],
            check=True,
        )


def test_restore_over_the_configured_database_needs_yes(tmp_path):
    dump = tmp_path / "x.dump"
    dump.write_bytes(b"")
    with pytest.raises(SystemExit, match="YES=1"):
        backup_script.main(["restore", str(dump)])
