# ruff: noqa: S608 — SQL text is built from table names only; every value is a parameter.
"""Reports made stale by a change in a source other than the session log (reads only).

A report counts appointments, queue passages, ateliers, reminder SMS and reads the visitors'
profiles from their records. ``Rapport.perime`` follows the session log by entry id; this module
finds, in one query for every produced report, those of which a source row dated in the report's
month (and scope) changed after the report's production started: an appointment updated (its
issue marked late, say), a passage or a séance closed, an SMS delivered, the record of a visitor
accompanied that month edited (in the last days, see ``FICHES_RECENTES``), or any desk row of the
month written, changed or deleted as noted by the database's triggers (``ModificationTardive``).
``services.preparer_perimes`` regenerates them with the others."""

from __future__ import annotations

from django.db import connection

from .models import StatutRapport
from .tables import MODIFICATIONS, PASSAGES, RAPPORTS, RENDEZ_VOUS, RESUMES, SEANCES, USAGERS, messages


def _dans(alias: str, colonne: str) -> str:
    """``colonne`` of ``alias`` in the report's month (Paris time) and scope."""
    return (
        f"{alias}.{colonne} >= r.debut AND {alias}.{colonne} < r.fin "
        f"AND (r.mds_id IS NULL OR {alias}.mds_id = r.mds_id)"
    )


# A visitor's record is looked at when it changed in the last days only: the task runs every
# 5 minutes, an older change has been seen already (and scanning every record's visits at each run
# would grow with the history). Anonymization keeps the bands: it makes nothing stale.
FICHES_RECENTES = "7 days"


def rapports_touches() -> set[int]:
    """Ids of produced reports with a source row of their month changed since their production began."""
    query = (
        "WITH r AS (SELECT id, mds_id, mois, (mois::timestamp AT TIME ZONE 'Europe/Paris') AS debut, "
        "((mois + interval '1 month')::timestamp AT TIME ZONE 'Europe/Paris') AS fin, "
        "genere_le - make_interval(secs => COALESCE(duree_secondes, 0)) AS depuis "
        f"FROM {RAPPORTS} WHERE statut = %s AND genere_le IS NOT NULL), "
        f"fiches AS (SELECT id, updated_at FROM {USAGERS} WHERE anonymise_le IS NULL "
        "AND updated_at > now() - %s::interval), "
        "visites AS (SELECT date_trunc('month', a.date)::date AS mois, a.mds_id, MAX(f.updated_at) AS le "
        f"FROM fiches f JOIN {RESUMES} a ON a.usager_id = f.id AND a.courante GROUP BY 1, 2) "
        "SELECT r.id FROM r WHERE "
        f"EXISTS (SELECT 1 FROM {RENDEZ_VOUS} v WHERE {_dans('v', 'debut')} AND v.updated_at > r.depuis) "
        f"OR EXISTS (SELECT 1 FROM {PASSAGES} p WHERE p.jour >= r.mois AND p.jour < (r.mois + interval '1 month') "
        "AND (r.mds_id IS NULL OR p.mds_id = r.mds_id) "
        "AND GREATEST(p.arrivee_le, p.pris_en_charge_le, p.sorti_le) > r.depuis) "
        f"OR EXISTS (SELECT 1 FROM {SEANCES} s WHERE {_dans('s', 'debut')} "
        "AND GREATEST(s.created_at, s.cloturee_le, s.annulee_le) > r.depuis) "
        f"OR EXISTS (SELECT 1 FROM {messages()} m WHERE {_dans('m', 'send_at')} AND m.updated_at > r.depuis) "
        "OR EXISTS (SELECT 1 FROM visites t WHERE t.mois = r.mois AND (r.mds_id IS NULL OR t.mds_id = r.mds_id) "
        "AND t.le > r.depuis) "
        # What the timestamps above cannot see — a deleted row (purge), a registration, an update that
        # leaves them alone — the triggers' notes do (pilotage 0006; kept ``fenetres.GARDE``).
        f"OR EXISTS (SELECT 1 FROM {MODIFICATIONS} n WHERE (n.mois = r.mois OR n.mois IS NULL) "
        "AND (r.mds_id IS NULL OR n.mds_id = r.mds_id) AND n.le > r.depuis)"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [StatutRapport.TERMINE, FICHES_RECENTES])
        return {row[0] for row in cursor.fetchall()}
