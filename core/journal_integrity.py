"""Tamper evidence shared by the append-only journals (docs/securite.md).

Three locks, each enough to detect what the previous one cannot stop:

1. **Privileges** (core/db_roles.py): the application role may only SELECT and INSERT.
2. **Triggers** written here in plain PL/pgSQL, ``ENABLE ALWAYS`` (they fire even under
   ``session_replication_role = replica``) and reading no session setting: every UPDATE, DELETE and
   TRUNCATE raises. Only the owner can switch them off.
3. **A keyed hash chain** (HMAC-SHA256, key ``JOURNAL_HMAC_KEY`` from the environment, never in the
   database) with numbered entries and **checkpoints** (``core.PointDeControle``): even the owner or a
   superuser cannot edit, delete (oldest rows included), truncate or recompute the chain without
   ``verifier_journal`` saying so.
"""

import logging
from dataclasses import dataclass

from django.utils import timezone

from .journal_hash import keyed_hash, timestamp  # noqa: F401  (re-exported)

logger = logging.getLogger("mds.journal")

REFUSE_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION mds_journal_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'Journal inaltérable : % refusé sur %.', TG_OP, TG_TABLE_NAME;
END
$$;
"""


def trigger_names(table: str) -> tuple[str, str]:
    return f"{table}_append_only", f"{table}_no_truncate"


def append_only_sql(table: str, row_function: str = "mds_journal_refuse") -> str:
    """Row trigger refusing UPDATE/DELETE (through ``row_function``), statement trigger refusing
    TRUNCATE, both ALWAYS; TRUNCATE/TRIGGER/REFERENCES revoked from PUBLIC."""
    row, truncate = trigger_names(table)
    return f"""
DROP TRIGGER IF EXISTS {row} ON {table};
CREATE TRIGGER {row} BEFORE UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {row_function}();
DROP TRIGGER IF EXISTS {truncate} ON {table};
CREATE TRIGGER {truncate} BEFORE TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION mds_journal_refuse();
{enable_triggers_sql(table)};
REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} FROM PUBLIC;
"""


def drop_append_only_sql(table: str) -> str:
    row, truncate = trigger_names(table)
    return f"DROP TRIGGER IF EXISTS {row} ON {table}; DROP TRIGGER IF EXISTS {truncate} ON {table};"


def enable_triggers_sql(table: str) -> str:
    return "; ".join(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}" for name in trigger_names(table))


def disable_triggers_sql(table: str) -> str:
    return "; ".join(f"ALTER TABLE {table} DISABLE TRIGGER {name}" for name in trigger_names(table))


# --- Keyed hashes ------------------------------------------------------------------------------


# keyed_hash and timestamp live in core.journal_hash (models use them without importing this module).


# --- Checkpoints -------------------------------------------------------------------------------


def last_checkpoint(journal: str):
    from .models import PointDeControle

    return PointDeControle.objects.filter(journal=journal).order_by("-id").first()


def write_checkpoint(*, journal: str, nature: str, numero: int, nombre: int, tete: str):
    """Append a checkpoint (call it under the journal's lock, inside its transaction)."""
    from .models import PointDeControle

    previous = last_checkpoint(journal)
    point = PointDeControle(
        journal=journal,
        nature=nature,
        created_at=timezone.now(),
        numero=numero,
        nombre=nombre,
        tete=tete,
        precedent=previous.hmac if previous else "",
    )
    point.hmac = point.compute_hmac()
    point.save(force_insert=True)
    # The external copy: the technical log leaves the database server (journald, SIEM…).
    logger.info(
        "journal checkpoint",
        extra={"journal": journal, "nature": nature, "numero": numero, "nombre": nombre, "tete": tete},
    )
    return point


def verify_checkpoints(journal: str):
    """The journal's checkpoints in order, or ``(None, reason)`` if one was altered or removed."""
    from .models import PointDeControle

    points = list(PointDeControle.objects.filter(journal=journal).order_by("id"))
    previous = ""
    for point in points:
        if point.precedent != previous:
            return None, f"point de contrôle n° {point.pk} : le point précédent a été supprimé ou modifié"
        if point.compute_hmac() != point.hmac:
            return None, f"point de contrôle n° {point.pk} modifié ou recalculé sans la clé"
        previous = point.hmac
    return points, ""


@dataclass
class VerificationResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""
    failed: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


# --- Registry: each app declares its journal (AppConfig.ready), verifier_journal walks them all ---
JOURNALS: dict[str, dict] = {}


def register_journal(label: str, *, verify, checkpoint) -> None:
    JOURNALS[label] = {"verify": verify, "checkpoint": checkpoint}
