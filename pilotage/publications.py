# ruff: noqa: S608 — SQL text is built from table names and fixed fragments only; every value is a parameter.
"""Statistical secrecy decided once per period over the whole set of publications (reads only).

The tables that count distinct people by a personal attribute (``profil_*``) are published many
times: in the report of each MDS and of the Département, on the dashboard of each MDS, of the
Département and of any selection of MDS, in their CSV/XLSX exports, and for a month, the quarter
that contains it and the 12 months that end with it. Protecting each table on its own is not enough
(a hidden cell of one table is the difference of two published cells of two others), so:

1. **One table per period and attribute decides everything**: the Département's table (one row per
   active MDS, one column per category, the column totals). Its row totals — the number of distinct
   visitors of each MDS — are a key figure published anyway: they are treated as public. The
   suppression pattern is computed on that table (``secrecy.proteger``) and every publication of the
   period shows the cells of that one decision: the row of an MDS on its own dashboard and report,
   the Département's table and totals, the rows of a selection. A selection of MDS has no « Total »
   row in these tables (a subset total would be a new combination of hidden cells).
2. **Fixed calendar windows only** (:func:`refus`): people tables are published for a closed
   month, a closed calendar quarter and a closed calendar year — never for a rolling 12-month window
   ending in another month, nor for a period still in progress (its table changes every day). Two
   published windows are then either disjoint or nested (a *laminar* family: month ⊂ quarter ⊂
   year), so consecutive 12-month windows, or today's and yesterday's month, can never be differenced.
3. **Nested periods**: a quarter counts at least the people of each of its months and at most
   their sum (likewise the year for its months and its quarters). A longer period masks a cell
   masked in one of its sub-periods unless publishing it tells nothing, judged on published figures
   only (``_coince``): the hidden sub-cell reads « < 11 », the period's cell is at least 11 and does
   not exceed the sum of the published cells of every cover holding that sub-period; its own
   protection takes into account the bounds a reader learns from the published sub-periods
   (``bornes`` of ``proteger``).

The same inputs always give the same decision (deterministic), whoever asks. The attacker test
(tests/pilotage/test_publications.py) loads every publication of the closed months, quarters and
years of the demo data, the totals of every rolling 12-month window between them, and bounds every
hidden cell by integer programming."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection

from core.models import MDS
from usagers.enums import Genre, Langue, StatutSocial, TrancheAge

from . import masques
from .periode import Periode, mois_courant
from .secrecy import PRIMAIRE, PUBLIE, SECONDAIRE, SEUIL, TableProtegee, proteger
from .tables import RESUMES, USAGERS

# indicator key → (visitor field, categories)
ATTRIBUTS = {
    "profil_genre": ("genre", Genre.choices),
    "profil_age": ("tranche_age", TrancheAge.choices),
    "profil_statut": ("statut_social", StatutSocial.choices),
    "profil_langue": ("langue", Langue.choices),
}


@dataclass(frozen=True)
class Decision:
    """The protected Département table of one period and attribute: rows = ``mds_ids`` (active MDS
    by name), columns = ``codes``; ``table.etendue`` adds the row totals and the column totals."""

    mds_ids: tuple[int, ...]
    codes: tuple[str, ...]
    table: TableProtegee

    def ligne(self, mds_id: int):
        """The cells of one MDS (categories then its total), as decided."""
        return self.table.etendue[self.mds_ids.index(mds_id)]

    @property
    def totaux(self):
        return self.table.etendue[-1]


def sous_periodes(periode: Periode) -> list[Periode]:
    """The publications nested in ``periode``: its months, and for 12 months the calendar quarters
    lying entirely inside it."""
    if periode.type == "mois":
        return []
    months = [Periode("mois", m) for m in periode.mois_liste()]
    if periode.type == "trimestre":
        return months
    quarters = [
        Periode("trimestre", m)
        for m in periode.mois_liste()
        if m.month in (1, 4, 7, 10) and m + relativedelta(months=3) <= periode.fin
    ]
    return months + quarters


def famille(periode: Periode) -> list[Periode]:
    """The period and every publication nested in it, sub-periods first."""
    seen, order = set(), []

    def visit(p):
        for sub in sous_periodes(p):
            visit(sub)
        if p not in seen:
            seen.add(p)
            order.append(p)

    visit(periode)
    return order  # sub-periods before the periods that contain them


def comptes(periodes: list[Periode], mds_ids) -> dict:
    """{(periode, cle): {(mds_id, code): distinct visitors}} for every attribute, in one query."""
    if not periodes:
        return {}
    values = ", ".join(["(%s, %s::date, %s::date)"] * len(periodes))
    params: list = []
    for k, p in enumerate(periodes):
        params += [k, p.debut, p.fin]
    lateral = ", ".join(f"('{cle}', u.{champ})" for cle, (champ, _) in ATTRIBUTS.items())
    start, end = min(p.debut for p in periodes), max(p.fin for p in periodes)
    rows = []
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.k, v.cle, a.mds_id, v.code, COUNT(DISTINCT a.usager_id) FROM (VALUES {values}) AS p(k, d, f) "
            f"JOIN {RESUMES} a ON a.date >= p.d AND a.date < p.f JOIN {USAGERS} u ON u.id = a.usager_id "
            f"CROSS JOIN LATERAL (VALUES {lateral}) AS v(cle, code) "
            "WHERE a.courante AND a.nature = 'accompagnement' AND a.usager_id IS NOT NULL "
            "AND a.date >= %s AND a.date < %s AND a.mds_id = ANY(%s) GROUP BY 1, 2, 3, 4",
            [*params, start, end, list(mds_ids)],
        )
        rows = cursor.fetchall()
    result: dict = {(p, cle): {} for p in periodes for cle in ATTRIBUTS}
    for k, cle, mds_id, code, n in rows:
        result[(periodes[k], cle)][(mds_id, code)] = n
    return result


def refus(periode: Periode, today: dt.date | None = None) -> str | None:
    """Why the people tables of ``periode`` are not published (French, for the screen), or None.

    Only fixed calendar windows that are over: a closed month, a closed calendar quarter, a closed
    calendar year (« 12 mois » ending in December). Any two of them are disjoint or nested, so no
    publication is the difference of two others (see the module docstring)."""
    ouvert = periode.jours is not None or periode.fin > mois_courant(today)
    if periode.type == "12mois" and periode.mois.month != 12:
        return (
            "Profil des usagers sur 12 mois : publié seulement pour une année civile terminée (12 mois, mois de "
            "référence décembre), pour que deux fenêtres de 12 mois qui se chevauchent ne permettent pas de "
            "recalculer une case masquée en les comparant."
        )
    if ouvert:
        quoi = {"mois": "le mois", "trimestre": "le trimestre", "12mois": "l'année"}[periode.type]
        return (
            f"Profil des usagers : publié quand {quoi} est terminé{'e' if periode.type == '12mois' else ''} "
            "(un tableau qui change chaque jour permettrait, en comparant deux lectures, de recalculer une case "
            "masquée)."
        )
    return None


def suggestion(periode: Periode, today: dt.date | None = None) -> Periode | None:
    """The nearest period whose people tables are published (for a link next to the refusal)."""
    current = mois_courant(today)
    if periode.type == "mois":
        candidate = Periode("mois", min(periode.mois, current - relativedelta(months=1)))
    elif periode.type == "trimestre":
        start = periode.debut if periode.fin <= current else periode.debut - relativedelta(months=3)
        candidate = Periode("trimestre", start + relativedelta(months=2))
    else:
        year = periode.mois.year if periode.mois.month >= 6 else periode.mois.year - 1
        if dt.date(year, 12, 1) >= current:
            year -= 1
        candidate = Periode("12mois", dt.date(year, 12, 1))
    return candidate if refus(candidate, today) is None else None


def _label_bounds(cell) -> tuple[float, float]:
    if cell.statut == PUBLIE:
        return cell.valeur, cell.valeur
    return (0, SEUIL - 1) if cell.statut == PRIMAIRE else (SEUIL, float("inf"))


def _covers(periode: Periode, subs: list[Periode]) -> list[list[Periode]]:
    """Sets of sub-periods whose union is ``periode`` (a count is at most the sum over a cover)."""
    months = [s for s in subs if s.type == "mois"]
    covers = [months]
    quarters = [s for s in subs if s.type == "trimestre"]
    if quarters:
        inside = {m for q in quarters for m in q.mois_liste()}
        covers.append(quarters + [m for m in months if m.mois not in inside])
    return covers


def _coince(value: int, hidden, sub: Periode, cells: dict, covers) -> bool:
    """Must a period's cell (true ``value``) be masked because sub-period ``sub`` hides it (``hidden``)?

    A reader knows ``hidden ≤ value`` and ``value ≤`` the sum over every cover of the period. Both
    tell nothing about the hidden cell when it reads « < 11 » (0…10), the period's value is at
    least 11, and the value does not exceed the *published* cells of every cover holding ``sub``.
    The test reads only what a published cell would show, so a reader who knows this rule learns
    nothing more from a published cell than the cells themselves (a first version looked at the
    hidden true values, and the attacker test, told the rule, pinned cells)."""
    if hidden.statut == SECONDAIRE or value < SEUIL:
        return True
    return any(value > sum(cells[p].valeur for p in cover if not cells[p].masquee) for cover in covers if sub in cover)


def _decider(periode, cle, counts, decided, mds_ids, heritage="marge", deja=frozenset()) -> Decision:
    codes = tuple(code for code, _ in ATTRIBUTS[cle][1])
    matrix = [[counts.get((m, c), 0) for c in codes] for m in mds_ids] or [[0] * len(codes)]
    subs = [decided[(s, cle)] for s in sous_periodes(periode)]
    forcees, bornes = masques.positions(mds_ids, codes, deja), {}
    if subs:
        extended = [[*row, sum(row)] for row in matrix]
        extended.append([sum(col) for col in zip(*extended, strict=True)])
        nrows, ncols = len(matrix) + 1, len(codes) + 1
        by_period = dict(zip(sous_periodes(periode), subs, strict=True))
        covers = _covers(periode, list(by_period))
        for a in range(nrows):
            for b in range(ncols - 1):  # row totals are public
                cells = {p: d.table.etendue[a][b] for p, d in by_period.items()}
                for sub, cell in cells.items():
                    if (
                        cell.masquee
                        and heritage != "aucun"
                        and (heritage == "union" or _coince(extended[a][b], cell, sub, cells, covers))
                    ):
                        forcees.add((a, b))
                low = max(_label_bounds(c)[0] for c in cells.values())
                high = min(sum(_label_bounds(cells[p])[1] for p in cover) for cover in covers)
                bornes[(a, b)] = (low, high)
    table = proteger(matrix, lignes_publiques=True, forcees=forcees, bornes=bornes)
    return Decision(mds_ids=tuple(mds_ids), codes=codes, table=table)


def mds_du_departement() -> list[int]:
    return list(MDS.objects.filter(active=True).order_by("nom").values_list("pk", flat=True))


def decisions(
    periode: Periode, mds_ids: list[int] | None = None, *, heritage="marge", deja=None
) -> dict[str, Decision]:
    """{indicator key: Decision} of ``periode`` (and, internally, of every nested sub-period).

    A period whose people tables are not published (:func:`refus`) gets no decision at all (``{}``):
    nothing is computed for it, and a people table without a decision publishes nothing
    (``tableaux.construire``). ``heritage="union"`` is the former rule (a longer period masks
    every cell masked in a sub-period), kept to measure what the margin test saves; ``"aucun"``
    (nothing inherited) exists for the attacker test's control, never for a publication.
    ``deja``: {(type, first day, key): {cells named as in ``pilotage.masques``}} hidden by an earlier
    publication of that period (``pilotage.masques.publies``): hidden again, whatever the counts."""
    if refus(periode):
        return {}
    mds_ids = mds_du_departement() if mds_ids is None else mds_ids
    family = famille(periode)
    counts = comptes(family, mds_ids)
    decided: dict = {}
    for p in family:
        for cle in ATTRIBUTS:
            earlier = (deja or {}).get((p.type, p.debut, cle), frozenset())
            decided[(p, cle)] = _decider(p, cle, counts[(p, cle)], decided, mds_ids, heritage, earlier)
    return {cle: decided[(periode, cle)] for cle in ATTRIBUTS}


def part_masquee(periode: Periode, *, heritage="marge", primaire=False) -> dict[str, float]:
    """Share of inner cells with people (value > 0) that are masked, per attribute: the information
    loss documented in docs/pilotage.md. ``primaire``: only the cells of 1 to 10 people (what the
    threshold alone hides, whatever the secondary choices)."""
    shares = {}
    for cle, decision in decisions(periode, heritage=heritage).items():
        cells = [c for row in decision.table.etendue[:-1] for c in row[:-1] if c.valeur > 0]
        hidden = [c for c in cells if (c.valeur < SEUIL if primaire else c.masquee)]
        shares[cle] = round(100 * len(hidden) / len(cells), 1) if cells else 0.0
    return shares
