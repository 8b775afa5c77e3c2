# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""Monthly rollup of the additive figures: one row per (MDS, month, dimension, category) in
``pilotage_agregatmois`` (see the model), read by the dashboards, exports and reports instead of
the activities whenever a period is made of whole months and the scope is a set of MDS.

Maintenance (``recalculer``): ``pilotage.rollup.rafraichir`` knows which (MDS, month) groups the
entries it just summarized touch — the month of each new entry and the month of the entry it
supersedes (a correction may move an act to another month) — and recomputes exactly those groups
from the two summary tables, in the same transaction. The current month is thus topped up at each
refresh, and a late correction of a past month updates that month.

Reading (``lire``, ``somme``, ``mediane``): the same ``(mds_id, categorie, valeur)`` rows as the
live indicators (``GROUPING SETS``: per MDS and for the scope), with the same SQL arithmetic, so the
figures are identical (tests/pilotage/test_stores.py computes every dashboard both ways). Periods
that are not whole months (the like-for-like comparison of the current month) and one mediator's
own activity are read live."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from django.db import connection

from .tables import AGREGATS, RESUMES, RESUMES_DEM

# The lock of the summaries' refresh (``pilotage.rollup``), also taken to store a closed period's
# figures (``pilotage.fenetres``): a refresh and a computation never interleave.
VERROU = "pilotage.rollup"

_EN_DIRECT = contextvars.ContextVar("pilotage_en_direct", default=False)


@contextlib.contextmanager
def en_direct():
    """Compute every figure from the summary tables as before the stores (the equivalence test)."""
    token = _EN_DIRECT.set(True)
    try:
        yield
    finally:
        _EN_DIRECT.reset(token)


def force_en_direct() -> bool:
    return _EN_DIRECT.get()


def mois_entiers(periode) -> bool:
    return periode.debut.day == 1 and periode.fin.day == 1


def lisible(periode, perimetre) -> bool:
    """May this period and scope be read from the monthly rollup?"""
    return not _EN_DIRECT.get() and perimetre.mediateur is None and mois_entiers(periode)


# --- Maintenance ----------------------------------------------------------------------------------

# Every dimension, computed from the current summary rows ``r`` (activities) and ``d`` (démarches)
# of the groups being recomputed; ``m`` is the month. Sums keep zero rows (e.g. a posture with no
# step in a month that has accompaniments), like the live GROUP BY over the activities.
_DIMENSIONS_ACTIVITES = """
SELECT mds_id, m, 'source', source, COUNT(*) FROM r WHERE nature = 'accompagnement' GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'demarches', '', SUM(n_demarches) FROM r WHERE nature = 'accompagnement' GROUP BY 1, 2
UNION ALL SELECT mds_id, m, 'posture', v.c, SUM(v.n) FROM r CROSS JOIN LATERAL (VALUES ('a_la_place', n_a_la_place),
    ('avec', n_avec), ('faire_faire', n_faire_faire), ('autonome', n_autonome)) AS v(c, n)
    WHERE nature = 'accompagnement' GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'minutes', nature, SUM(duree_minutes) FROM r GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'duree', nature || ':' || duree_minutes, COUNT(*) FROM r GROUP BY 1, 2, 4
"""
_DIMENSIONS_DEMARCHES = """
UNION ALL SELECT mds_id, m, 'organisme', organisme_code, COUNT(*) FROM d GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'demarche', demarche_code, COUNT(*) FROM d GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'resultat', resultat, COUNT(*) FROM d GROUP BY 1, 2, 4
UNION ALL SELECT mds_id, m, 'orientation', oriente_vers, COUNT(*) FROM d GROUP BY 1, 2, 4
"""


# Up to this many groups (a refresh during the day: one or two), each group is an indexed range of its
# own; beyond (a bulk load, a rebuild), the groups are joined as a table.
PEU_DE_GROUPES = 24


def _selection(groupes: list, alias: str, month_column: str = "") -> tuple[str, str, list]:
    """(join, condition, params) selecting the rows of ``groupes`` in table ``alias``: either a date
    range per group (index scans, whatever the planner settings of the refresh) or a join."""
    if len(groupes) > PEU_DE_GROUPES:
        if month_column:
            return "", f"({alias}.mds_id, {alias}.{month_column}) IN (SELECT mds_id, mois FROM groupes)", []
        return (
            f"JOIN groupes g ON g.mds_id = {alias}.mds_id AND {alias}.date >= g.mois "
            f"AND {alias}.date < (g.mois + interval '1 month')::date",
            "TRUE",
            [],
        )
    params: list = []
    parts = []
    for mds_id, mois in groupes:
        if month_column:
            parts.append(f"({alias}.mds_id = %s AND {alias}.{month_column} = %s)")
            params += [mds_id, mois]
        else:
            parts.append(f"({alias}.mds_id = %s AND {alias}.date >= %s AND {alias}.date < %s)")
            params += [mds_id, mois, mois + relativedelta(months=1)]
    return "", "(" + " OR ".join(parts) + ")", params


def recalculer(groupes: set[tuple[int, dt.date]]) -> None:
    """Recompute the (MDS, month) groups from the summary tables: one statement (new values upserted,
    categories that disappeared deleted). Called by ``rafraichir`` inside its locked transaction."""
    if not groupes:
        return
    ordered = sorted(groupes)
    mds_ids, months = zip(*ordered, strict=True)
    join_a, where_a, params_a = _selection(ordered, "a")
    join_x, where_x, params_x = _selection(ordered, "x")
    _, where_o, params_o = _selection(ordered, "o", month_column="mois")
    activites = (
        "SELECT a.mds_id, a.nature, a.source, a.duree_minutes, a.n_demarches, a.n_a_la_place, a.n_avec, "
        f"a.n_faire_faire, a.n_autonome, date_trunc('month', a.date)::date AS m FROM {RESUMES} a {join_a} "
        f"WHERE a.courante AND {where_a}"
    )
    demarches = (
        "SELECT x.mds_id, x.organisme_code, x.demarche_code, x.resultat, x.oriente_vers, "
        f"date_trunc('month', x.date)::date AS m FROM {RESUMES_DEM} x {join_x} "
        f"WHERE x.courante AND x.nature = 'accompagnement' AND {where_x}"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH groupes AS (SELECT * FROM unnest(%s::bigint[], %s::date[]) AS g(mds_id, mois)), "
            f"r AS ({activites}), d AS ({demarches}), "
            "nouveau (mds_id, mois, dimension, categorie, valeur) AS "
            f"({_DIMENSIONS_ACTIVITES}{_DIMENSIONS_DEMARCHES}), "
            f"efface AS (DELETE FROM {AGREGATS} o WHERE {where_o} "
            "AND NOT EXISTS (SELECT 1 FROM nouveau n WHERE n.mds_id = o.mds_id AND n.mois = o.mois "
            "AND n.dimension = o.dimension AND n.categorie = o.categorie)) "
            f"INSERT INTO {AGREGATS} (mds_id, mois, dimension, categorie, valeur) SELECT * FROM nouveau "
            "ON CONFLICT (dimension, mois, mds_id, categorie) DO UPDATE SET valeur = EXCLUDED.valeur",
            [list(mds_ids), list(months), *params_a, *params_x, *params_o],
        )


def reconstruire() -> None:
    """Rebuild the whole rollup from the summary tables (after emptying it by hand)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT mds_id, date_trunc('month', date)::date FROM {RESUMES} "
            f"UNION SELECT DISTINCT mds_id, date_trunc('month', date)::date FROM {RESUMES_DEM}"
        )
        groupes = set(cursor.fetchall())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AGREGATS}")
    recalculer(groupes)


# --- Reading ------------------------------------------------------------------------------------


def _portee(perimetre) -> tuple[str, list]:
    if perimetre.departement:
        return "TRUE", []
    return "mds_id = ANY(%s)", [perimetre.ids]


def _sql(query, params):
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def lire(dimension, periode, perimetre, *, categorie="categorie", valeur="SUM(valeur)::bigint", filtre=""):
    """Rows ``(mds_id or None, categorie, valeur)`` per MDS and for the scope, over the period's months."""
    where, params = _portee(perimetre)
    inner = (
        f"SELECT mds_id, {categorie} AS categorie, valeur, mois FROM {AGREGATS} "
        f"WHERE dimension = %s AND mois >= %s AND mois < %s AND {where} {filtre}"
    )
    return _sql(
        f"SELECT mds_id, categorie, {valeur} FROM ({inner}) t "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))",
        [dimension, periode.debut, periode.fin, *params],
    )


def parts(dimension, periode, perimetre):
    """Share (%) of each category within each MDS and within the scope (same arithmetic as live)."""
    where, params = _portee(perimetre)
    return _sql(
        "SELECT mds_id, categorie, ROUND(100.0 * n / NULLIF(SUM(n) OVER (PARTITION BY g, mds_id), 0), 1) FROM ("
        f"SELECT mds_id, categorie, GROUPING(mds_id) AS g, SUM(valeur) AS n FROM {AGREGATS} "
        f"WHERE dimension = %s AND mois >= %s AND mois < %s AND {where} "
        "GROUP BY GROUPING SETS ((mds_id, categorie), (categorie))) AS s",
        [dimension, periode.debut, periode.fin, *params],
    )


def scalaire(dimension, periode, perimetre, expression, categories=None):
    """One figure of the scope over the period (``expression`` aggregates ``valeur``)."""
    where, params = _portee(perimetre)
    extra, extra_params = ("AND categorie = ANY(%s)", [list(categories)]) if categories else ("", [])
    return _sql(
        f"SELECT {expression} FROM {AGREGATS} WHERE dimension = %s AND mois >= %s AND mois < %s AND {where} {extra}",
        [dimension, periode.debut, periode.fin, *params, *extra_params],
    )[0][0]


def heures_accompagnement(periode, perimetre) -> tuple[str, list]:
    """SQL ``(mds_id, h)``: hours of individual accompaniment per MDS (the capacity indicator)."""
    where, params = _portee(perimetre)
    return (
        f"SELECT mds_id, SUM(valeur) / 60.0 AS h FROM {AGREGATS} WHERE dimension = 'minutes' "
        f"AND categorie = 'accompagnement' AND mois >= %s AND mois < %s AND {where} GROUP BY mds_id",
        [periode.debut, periode.fin, *params],
    )


def _percentile_cont(histogram: list[tuple[int, int]], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` over the values of a histogram [(value, count)] (sorted)."""
    total = sum(n for _, n in histogram)
    if not total:
        return None
    position = fraction * (total - 1)
    low, high = int(position), int(position) + (position > int(position))

    def at(index):
        seen = 0
        for value, count in histogram:
            seen += count
            if index < seen:
                return value
        return histogram[-1][0]

    first, second = float(at(low)), float(at(high))
    return first if low == high else first + (position - low) * (second - first)


def mediane(periode, perimetre, natures) -> list[tuple]:
    """Median duration per (MDS, nature) and per nature for the scope, from the duration histogram."""
    where, params = _portee(perimetre)
    rows = _sql(
        f"SELECT mds_id, categorie, SUM(valeur)::bigint FROM {AGREGATS} WHERE dimension = 'duree' AND mois >= %s "
        f"AND mois < %s AND {where} GROUP BY mds_id, categorie",
        [periode.debut, periode.fin, *params],
    )
    groups: dict = defaultdict(lambda: defaultdict(int))
    for mds_id, categorie, count in rows:
        nature, _, minutes = categorie.rpartition(":")
        if nature not in natures:
            continue
        groups[(mds_id, nature)][int(minutes)] += count
        groups[(None, nature)][int(minutes)] += count
    return [
        (mds_id, nature, _percentile_cont(sorted(histogram.items()), 0.5))
        for (mds_id, nature), histogram in groups.items()
    ]
