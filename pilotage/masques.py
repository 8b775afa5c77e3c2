"""Masks that stay: a people cell hidden by one publication of a period stays hidden in every later one.

A late correction (a visitor's record, a late session-log entry) drops the stored secrecy decisions
of the periods it touches (``pilotage.fenetres``) and the next view decides again on the corrected
counts. Left alone, the new pattern could publish a cell the earlier one hid while hiding another
(two report versions, both downloadable; a dashboard read before and after): the reader of both
would then difference them. So every hidden cell of every decision stored is kept
(``MasquePublie``) and forced hidden in every later decision of the same period
(``publications.decisions(..., deja=…)``); the later decision may hide more, never less.
What two versions still tell apart is what changed between them in the published cells."""

from __future__ import annotations

from collections import defaultdict

from .models import MasquePublie
from .periode import Periode


def publies(periodes: list[Periode]) -> dict[tuple[str, object, str], set[tuple[int, str]]]:
    """{(type, first day, indicator key): {cell names}} already hidden."""
    found: dict = defaultdict(set)
    if not periodes:
        return found
    wanted = {(p.type, p.debut) for p in periodes}
    rows = MasquePublie.objects.filter(type__in={t for t, _ in wanted}, debut__in={d for _, d in wanted}).values_list(
        "type", "debut", "cle", "mds_id", "categorie"
    )
    for type_, debut, cle, mds_id, categorie in rows:
        if (type_, debut) in wanted:
            found[(type_, debut, cle)].add((mds_id, categorie))
    return found


# A cell is named (mds_id, category) — not by position: the active MDS may change between two
# versions. The column totals row is MDS ``TOTAL``, the row totals column category "".


def _noms(mds_ids, codes) -> tuple[list, list]:
    """Names of the rows and columns of a decision's extended grid (``secrecy.TableProtegee``)."""
    return [*mds_ids, MasquePublie.TOTAL], [*codes, ""]


def cases_masquees(decision) -> set[tuple[int, str]]:
    """The hidden cells of a decision, by name."""
    if decision.table.retenue:
        return set()  # nothing of it was published
    rows, columns = _noms(decision.mds_ids, decision.codes)
    return {
        (rows[a], columns[b])
        for a, row in enumerate(decision.table.etendue)
        for b, cell in enumerate(row)
        if cell.masquee
    }


def positions(mds_ids, codes, cells) -> set[tuple[int, int]]:
    """Positions in the extended grid of the named ``cells``; an MDS or a category no longer there
    is skipped."""
    names = _noms(mds_ids, codes)
    rows, columns = ({name: k for k, name in enumerate(axis)} for axis in names)
    return {(rows[m], columns[c]) for m, c in cells if m in rows and c in columns}


def retenir(periode: Periode, decided: dict) -> None:
    """Keep the hidden cells of the decisions about to be published for ``periode``."""
    MasquePublie.objects.bulk_create(
        [
            MasquePublie(type=periode.type, debut=periode.debut, cle=cle, mds_id=mds_id, categorie=categorie)
            for cle, decision in decided.items()
            for mds_id, categorie in sorted(cases_masquees(decision))
        ],
        ignore_conflicts=True,
    )
