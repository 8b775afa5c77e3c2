# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""Anonymous export of activities in La Coop de la médiation numérique's vocabulary (docs/coop-export.md).

One line per current session-log activity (accompaniment or held atelier session). No name, no
visitor reference, no staff member: only codes, dates, durations and counts."""

from __future__ import annotations

import csv
import io

from core.models import MDS

from .indicators import DEM, ETA, courantes_journal

COLONNES = [
    "id_activite",
    "structure",
    "type",
    "date",
    "duree",
    "thematiques",
    "organismes",
    "autonomie",
    "lieu",
    "materiel",
    "structure_de_redirection",
    "nombre_participants",
]

REDIRECTION = {"vers_travailleur_social": "travailleur_social_mds", "vers_partenaire": "structure_partenaire"}


def type_coop(nature: str, avec_organisme: bool) -> str:
    if nature == "atelier_collectif":
        return "collectif"
    if nature == "accompagnement" and avec_organisme:
        return "demarche"
    return "individuel"


def autonomie_coop(accompagne: int, partiel: int, autonome: int) -> str:
    """Activity-level Coop autonomy from its steps' postures (à la place / avec → entièrement
    accompagné, faire faire → partiellement autonome, laisser faire → autonome): the most frequent
    value, ties going to the more accompanied one. Empty when no step was recorded."""
    counts = [(accompagne, "entierement_accompagne"), (partiel, "partiellement_autonome"), (autonome, "autonome")]
    best = max(c for c, _ in counts)
    if not best:
        return ""
    return next(code for c, code in counts if c == best)


def lignes(periode, perimetre):
    acts, params = courantes_journal(
        periode, perimetre, natures=("accompagnement", "atelier_individuel", "atelier_collectif")
    )
    query = (
        f"WITH a AS ({acts}), "
        "d AS (SELECT d.activite_id, "
        "array_remove(array_agg(DISTINCT NULLIF(d.thematique_code, '')), NULL) AS thems, "
        "array_remove(array_agg(DISTINCT NULLIF(d.organisme_code, '')), NULL) AS orgs, "
        "array_remove(array_agg(DISTINCT NULLIF(d.oriente_vers, '')), NULL) AS orient "
        f"FROM {DEM} d WHERE d.activite_id IN (SELECT id FROM a) GROUP BY d.activite_id), "
        "e AS (SELECT d.activite_id, COUNT(*) FILTER (WHERE e.posture IN ('a_la_place', 'avec')) AS ea, "
        "COUNT(*) FILTER (WHERE e.posture = 'faire_faire') AS pa, COUNT(*) FILTER (WHERE e.posture = 'autonome') AS au "
        f"FROM {DEM} d JOIN {ETA} e ON e.demarche_id = d.id WHERE d.activite_id IN (SELECT id FROM a) "
        "GROUP BY d.activite_id) "
        "SELECT a.id, m.code, a.nature, a.date, a.duree_minutes, a.type_lieu, a.materiel, a.participants, "
        "COALESCE(d.thems, '{}'), COALESCE(d.orgs, '{}'), COALESCE(d.orient, '{}'), "
        "COALESCE(e.ea, 0), COALESCE(e.pa, 0), COALESCE(e.au, 0) "
        f"FROM a JOIN {MDS._meta.db_table} m ON m.id = a.mds_id "
        "LEFT JOIN d ON d.activite_id = a.id LEFT JOIN e ON e.activite_id = a.id ORDER BY a.date, a.id"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        while rows := cursor.fetchmany(2000):
            for pk, code, nature, date, duree, lieu, materiel, participants, thems, orgs, orient, ea, pa, au in rows:
                yield [
                    pk,
                    code,
                    type_coop(nature, bool(orgs)),
                    date.isoformat(),
                    duree,
                    ",".join(sorted(thems)),
                    ",".join(sorted(orgs)),
                    autonomie_coop(ea, pa, au),
                    lieu,
                    ",".join(materiel or []),
                    ",".join(sorted(REDIRECTION.get(o, o) for o in orient)),
                    participants,
                ]


def csv_coop(periode, perimetre):
    """Yield CSV chunks (UTF-8 with BOM, ``;``): streamed, so a Département year stays light."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLONNES)
    for k, row in enumerate(lignes(periode, perimetre), 1):
        writer.writerow(row)
        if k % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
