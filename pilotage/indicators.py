# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""Indicators of domain brief §9: one SQL aggregate each, for a period and a scope.

Every indicator function takes ``(periode, perimetre)`` and returns rows
``(mds_id or None, categorie, valeur)``: ``GROUPING SETS ((mds_id, categorie), (categorie))`` gives
the per-MDS figures and the figure of the whole scope in one query (the scope total of a median or
of distinct people is not the sum of the parts). ``pilotage.tableaux.construire`` pivots them.

No Python loop over records: the database aggregates, Python only reshapes a few dozen rows."""

from __future__ import annotations

from django.db import connection

from usagers.enums import Genre, StatutSocial, TrancheAge
from usagers.models import Usager

from .periode import libelle_mois
from .tableaux import Indicateur


def sql(query: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def portee(perimetre, column: str = "mds_id") -> tuple[str, list]:
    """SQL condition restricting ``column`` to the scope's MDS."""
    if perimetre.departement:
        return "TRUE", []
    return f"{column} = ANY(%s)", [perimetre.ids]


def grouper(inner: str, params: list, valeur: str = "COUNT(*)") -> list[tuple]:
    """Aggregate ``inner`` (a query yielding mds_id, categorie[, x]) per MDS and for the scope."""
    return sql(
        f"SELECT mds_id, categorie, {valeur} FROM ({inner}) AS t "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))",
        params,
    )


def mois_de(periode):
    return [(f"{m:%Y-%m}", libelle_mois(m)) for m in periode.douze_mois().mois_liste()]


# --- Visitors ---------------------------------------------------------------------------------------


def usagers_vus_sql(periode, perimetre) -> tuple[str, list]:
    """Distinct visitors of the period: (usager_id, mds_id) — visitors whose record was created in
    the period (until the mediation app provides accompaniments)."""
    where, params = portee(perimetre)
    query = (
        f"SELECT u.id AS usager_id, u.mds_id FROM {Usager._meta.db_table} u "
        f"WHERE u.created_at >= %s AND u.created_at < %s AND {where.replace('mds_id', 'u.mds_id')}"
    )
    return query, [periode.debut_dt, periode.fin_dt, *params]


def _bande(champ):
    def compute(periode, perimetre):
        seen, params = usagers_vus_sql(periode, perimetre)
        inner = (
            f"SELECT v.mds_id, u.{champ} AS categorie, v.usager_id AS x FROM ({seen}) v "
            f"JOIN {Usager._meta.db_table} u ON u.id = v.usager_id"
        )
        return grouper(inner, params, "COUNT(DISTINCT x)")

    return compute


def nouveaux_usagers_par_mois(periode, perimetre):
    where, params = portee(perimetre)
    window = periode.douze_mois()
    inner = (
        f"SELECT mds_id, to_char(created_at AT TIME ZONE 'Europe/Paris', 'YYYY-MM') AS categorie "
        f"FROM {Usager._meta.db_table} WHERE created_at >= %s AND created_at < %s AND {where}"
    )
    return grouper(inner, [window.debut_dt, window.fin_dt, *params])


INDICATEURS: list[Indicateur] = [
    Indicateur(
        cle="nouveaux_usagers_mois",
        titre="Nouveaux usagers enregistrés, par mois (12 mois)",
        fonction=nouveaux_usagers_par_mois,
        categories=mois_de,
        unite="personnes",
        graphique="courbe",
        entete="Mois",
        tendance=True,
    ),
    Indicateur(
        cle="profil_genre",
        titre="Profil des usagers : genre",
        fonction=_bande("genre"),
        categories=Genre.choices,
        personnes=True,
        entete="Genre",
    ),
    Indicateur(
        cle="profil_age",
        titre="Profil des usagers : tranche d'âge",
        fonction=_bande("tranche_age"),
        categories=TrancheAge.choices,
        personnes=True,
        entete="Tranche d'âge",
    ),
    Indicateur(
        cle="profil_statut",
        titre="Profil des usagers : statut social",
        fonction=_bande("statut_social"),
        categories=StatutSocial.choices,
        personnes=True,
        entete="Statut social",
    ),
]


def par_cle() -> dict[str, Indicateur]:
    return {i.cle: i for i in INDICATEURS}


# --- Key figures (one number for the scope, compared with the previous period) ----------------------


def nb_nouveaux_usagers(periode, perimetre) -> int:
    where, params = portee(perimetre)
    rows = sql(
        f"SELECT COUNT(*) FROM {Usager._meta.db_table} WHERE created_at >= %s AND created_at < %s AND {where}",
        [periode.debut_dt, periode.fin_dt, *params],
    )
    return rows[0][0]


CHIFFRES_CLES = [
    # (key, label, function, unit)
    ("nouveaux_usagers", "Nouveaux usagers enregistrés", nb_nouveaux_usagers, "personnes"),
]

# Indicators that make sense for one mediator's own activity (filtered on their acts).
CLES_MEDIATEUR: set[str] = set()
