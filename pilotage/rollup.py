# ruff: noqa: S608 — SQL text is built from table names only; every value is a parameter.
"""Incremental rollup of the session log into ``pilotage_resumeactivite`` (see the model).

``rafraichir()`` inserts the activities not yet summarized — ids above the last summarized one, with
a margin of ``MARGE`` ids below it for entries whose transaction committed late — with their step
counts, then marks superseded versions as not current (the journal is append-only), then recomputes
the (MDS, month) groups of the monthly rollup those rows touch (``pilotage.agregats``) and drops the
stored figures of closed periods a late entry changes (``pilotage.fenetres``); it first drops the
stored desk figures a late desk change affects (``fenetres.suivre_accueil``).
It runs before every dashboard, report and export (cheap when nothing is new: one indexed MAX), and
every 5 minutes from beat. Serialized by a transaction-level advisory lock."""

from django.db import connection, transaction

from core.locks import advisory_lock

from . import agregats, fenetres
from .tables import ACTIVITES, DEMARCHES, ETAPES, MODIFICATIONS, RESUMES, RESUMES_DEM

LOCK = agregats.VERROU
MARGE = 1000
_GROUPES = "SELECT mds_id, date_trunc('month', date)::date, COUNT(*) FROM ins GROUP BY 1, 2"


def _collect(cursor, groupes: set) -> int:
    """Add the (MDS, month) groups a statement reported; return how many rows it wrote."""
    rows = cursor.fetchall()
    groupes.update((mds_id, mois) for mds_id, mois, _ in rows)
    return sum(n for _, _, n in rows)


@transaction.atomic
def rafraichir() -> int:
    with connection.cursor() as cursor:
        # The probe of late desk changes rides along (one query less on every page).
        cursor.execute(
            f"SELECT (SELECT COALESCE(MAX(activite_id), 0) FROM {RESUMES}), "
            f"EXISTS (SELECT 1 FROM {MODIFICATIONS} WHERE NOT traitee)"
        )
        last, noted = cursor.fetchone()
    if noted:
        fenetres.suivre_accueil(note=True)  # late desk changes: their stored figures go first
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(activite_id), 0) FROM {RESUMES_DEM}")
        last_dem = cursor.fetchone()[0]
        cursor.execute(
            # The summaries' side is bounded too (implied by the join): the planner then reads the
            # tail of both sides instead of hashing the whole summary table at every request.
            f"SELECT EXISTS (SELECT 1 FROM {ACTIVITES} a WHERE a.id > %s AND NOT EXISTS "
            f"(SELECT 1 FROM {RESUMES} r WHERE r.activite_id = a.id AND r.activite_id > %s)) OR EXISTS (SELECT 1 "
            f"FROM {DEMARCHES} d WHERE d.activite_id > %s AND NOT EXISTS (SELECT 1 FROM {RESUMES_DEM} r "
            "WHERE r.demarche_id = d.id AND r.activite_id > %s))",
            [last - MARGE, last - MARGE, last_dem - MARGE, last_dem - MARGE],
        )
        if not cursor.fetchone()[0]:
            return 0
        advisory_lock(LOCK)
        # Bulk aggregates over the whole new tail: hash joins only. With statistics that lag behind a
        # bulk load (seed, restore, a test transaction) the planner may otherwise pick nested loops
        # that re-run each grouped subquery per activity (seen: 15 min instead of seconds).
        cursor.execute("SET LOCAL enable_nestloop = off")
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SELECT GREATEST(COALESCE(MAX(activite_id), 0) - %s, 0) FROM {RESUMES}", [MARGE])
        last = cursor.fetchone()[0]
        cursor.execute(f"SELECT GREATEST(COALESCE(MAX(activite_id), 0) - %s, 0) FROM {RESUMES_DEM}", [MARGE])
        last_dem = cursor.fetchone()[0]
        # Each statement reports the (MDS, month) groups it touched: the monthly rollup recomputes them.
        groupes: set = set()
        cursor.execute(
            f"WITH ins AS (INSERT INTO {RESUMES} (activite_id, mds_id, date, nature, source, usager_id, mediateur_id, "
            "duree_minutes, courante, n_demarches, n_a_la_place, n_avec, n_faire_faire, n_autonome) "
            "SELECT a.id, a.mds_id, a.date, a.nature, a.source, a.usager_id, a.mediateur_id, a.duree_minutes, "
            f"NOT a.annulee AND NOT EXISTS (SELECT 1 FROM {ACTIVITES} b WHERE b.remplace_id = a.id), "
            "COALESCE(d.n, 0), COALESCE(e.alp, 0), COALESCE(e.avec, 0), COALESCE(e.ff, 0), COALESCE(e.auto, 0) "
            f"FROM {ACTIVITES} a "
            f"LEFT JOIN (SELECT activite_id, COUNT(*) AS n FROM {DEMARCHES} "
            "WHERE activite_id > %s GROUP BY activite_id) d "
            "ON d.activite_id = a.id "
            "LEFT JOIN (SELECT d.activite_id, COUNT(*) FILTER (WHERE e.posture = 'a_la_place') AS alp, "
            "COUNT(*) FILTER (WHERE e.posture = 'avec') AS avec, "
            "COUNT(*) FILTER (WHERE e.posture = 'faire_faire') AS ff, "
            "COUNT(*) FILTER (WHERE e.posture = 'autonome') AS auto "
            f"FROM {DEMARCHES} d JOIN {ETAPES} e ON e.demarche_id = d.id "
            "WHERE d.activite_id > %s GROUP BY d.activite_id) e ON e.activite_id = a.id "
            "WHERE a.id > %s ON CONFLICT (activite_id) DO NOTHING RETURNING mds_id, date) " + _GROUPES,
            [last, last, last],
        )
        inserted = _collect(cursor, groupes)
        cursor.execute(
            f"WITH ins AS (INSERT INTO {RESUMES_DEM} (demarche_id, activite_id, mds_id, mediateur_id, date, nature, "
            "courante, organisme_code, demarche_code, resultat, oriente_vers) "
            "SELECT d.id, a.id, a.mds_id, a.mediateur_id, a.date, a.nature, "
            f"NOT a.annulee AND NOT EXISTS (SELECT 1 FROM {ACTIVITES} b WHERE b.remplace_id = a.id), "
            "d.organisme_code, d.demarche_code, d.resultat, d.oriente_vers "
            f"FROM {DEMARCHES} d JOIN {ACTIVITES} a ON a.id = d.activite_id WHERE d.activite_id > %s "
            "ON CONFLICT (demarche_id) DO NOTHING RETURNING mds_id, date) " + _GROUPES,
            [last_dem],
        )
        _collect(cursor, groupes)
        for table in (RESUMES, RESUMES_DEM):
            cursor.execute(
                f"WITH ins AS (UPDATE {table} SET courante = false WHERE courante AND activite_id IN "
                f"(SELECT remplace_id FROM {ACTIVITES} WHERE id > %s AND remplace_id IS NOT NULL) "
                "RETURNING mds_id, date) " + _GROUPES,
                [min(last, last_dem)],
            )
            _collect(cursor, groupes)
        agregats.recalculer(groupes)
        fenetres.invalider(min((mois for _, mois in groupes), default=None))
    return inserted
