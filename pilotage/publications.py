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
2. **Periods are nested**: a quarter counts at least the people of each of its months and at most
   their sum (likewise the 12 months for its months and its calendar quarters). A longer period
   masks every cell masked in one of its sub-periods (so a hidden monthly cell is never the
   difference of published ones) and its own protection takes into account the bounds a reader
   learns from the published sub-periods (``bornes`` of ``proteger``).

The same inputs always give the same decision (deterministic), whoever asks. The attacker test
(tests/pilotage/test_publications.py) loads every publication of a month and of the overlapping
quarter and 12 months and bounds every hidden cell by integer programming."""

from __future__ import annotations

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db import connection

from core.models import MDS
from usagers.enums import Genre, Langue, StatutSocial, TrancheAge
from usagers.models import Usager

from .models import ResumeActivite
from .periode import Periode
from .secrecy import PRIMAIRE, PUBLIE, SEUIL, TableProtegee, proteger

RES = ResumeActivite._meta.db_table
USA = Usager._meta.db_table

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


def _famille(periode: Periode) -> list[Periode]:
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
        if connection.in_atomic_block:
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(
            f"SELECT p.k, v.cle, a.mds_id, v.code, COUNT(DISTINCT a.usager_id) FROM (VALUES {values}) AS p(k, d, f) "
            f"JOIN {RES} a ON a.date >= p.d AND a.date < p.f JOIN {USA} u ON u.id = a.usager_id "
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


def _decider(periode, cle, counts, decided, mds_ids) -> Decision:
    codes = tuple(code for code, _ in ATTRIBUTS[cle][1])
    matrix = [[counts.get((m, c), 0) for c in codes] for m in mds_ids] or [[0] * len(codes)]
    subs = [decided[(s, cle)] for s in sous_periodes(periode)]
    forcees, bornes = set(), {}
    if subs:
        nrows, ncols = len(matrix) + 1, len(codes) + 1
        by_period = dict(zip(sous_periodes(periode), subs, strict=True))
        for a in range(nrows):
            for b in range(ncols - 1):  # row totals are public
                cells = {p: d.table.etendue[a][b] for p, d in by_period.items()}
                if any(c.masquee for c in cells.values()):
                    forcees.add((a, b))
                low = max(_label_bounds(c)[0] for c in cells.values())
                high = min(sum(_label_bounds(cells[p])[1] for p in cover) for cover in _covers(periode, list(cells)))
                bornes[(a, b)] = (low, high)
    table = proteger(matrix, lignes_publiques=True, forcees=forcees, bornes=bornes)
    return Decision(mds_ids=tuple(mds_ids), codes=codes, table=table)


def mds_du_departement() -> list[int]:
    return list(MDS.objects.filter(active=True).order_by("nom").values_list("pk", flat=True))


def decisions(periode: Periode, mds_ids: list[int] | None = None) -> dict[str, Decision]:
    """{indicator key: Decision} of ``periode`` (and, internally, of every nested sub-period)."""
    mds_ids = mds_du_departement() if mds_ids is None else mds_ids
    family = _famille(periode)
    counts = comptes(family, mds_ids)
    decided: dict = {}
    for p in family:
        for cle in ATTRIBUTS:
            decided[(p, cle)] = _decider(p, cle, counts[(p, cle)], decided, mds_ids)
    return {cle: decided[(periode, cle)] for cle in ATTRIBUTS}


def part_masquee(periode: Periode) -> dict[str, float]:
    """Share of inner cells with people (value > 0) that are masked, per attribute: the information
    loss documented in docs/pilotage.md."""
    shares = {}
    for cle, decision in decisions(periode).items():
        cells = [c for row in decision.table.etendue[:-1] for c in row[:-1] if c.valeur > 0]
        shares[cle] = round(100 * sum(c.masquee for c in cells) / len(cells), 1) if cells else 0.0
    return shares


