"""Statistical secrecy: no masked value can be recomputed from what is published.

Two independent proofs per masked cell: an attacker that propagates bounds through every row and
column equation (with everything the rule reveals: "< 11" = 1…10, "s" = 11 or more, zeros exact)
never pins it to one value, and an alternative table, compatible with every published value,
gives it a different value."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pilotage.secrecy import (
    MASQUE_PRIMAIRE,
    MASQUE_SECONDAIRE,
    PRIMAIRE,
    PUBLIE,
    SECONDAIRE,
    alternative,
    proteger,
)

counts = st.one_of(st.integers(0, 14), st.integers(0, 60), st.just(0))
tables = st.integers(1, 5).flatmap(
    lambda rows: st.integers(1, 5).flatmap(
        lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=rows, max_size=rows)
    )
)


def attacker_bounds(published, true_values):
    """Bounds an attacker derives for every masked cell of the extended grid, by propagating
    interval constraints through the equations row = total, column = total until nothing moves."""
    nrows, ncols = len(published), len(published[0])
    bounds = {}
    for a in range(nrows):
        for b in range(ncols):
            shown = published[a][b]
            if shown == MASQUE_PRIMAIRE:
                bounds[(a, b)] = [0, 10]  # « < 11 » covers 0 to 10 (a zero may be hidden too)
            elif shown == MASQUE_SECONDAIRE:
                bounds[(a, b)] = [11, math.inf]
            else:
                assert shown == true_values[a][b]
                bounds[(a, b)] = [shown, shown]
    # Equations: for each inner row, sum(inner cells) - total = 0; same for the totals row and columns.
    lines = [[(a, b) for b in range(ncols)] for a in range(nrows)] + [
        [(a, b) for a in range(nrows)] for b in range(ncols)
    ]
    changed = True
    while changed:
        changed = False
        for line in lines:
            total_cell, parts = line[-1], line[:-1]
            # total = sum(parts)  →  each part = total - sum(others); total within sum of bounds.
            low_sum = sum(bounds[c][0] for c in parts)
            high_sum = sum(bounds[c][1] for c in parts)
            lo, hi = bounds[total_cell]
            new = [max(lo, low_sum), min(hi, high_sum)]
            if new != bounds[total_cell]:
                bounds[total_cell] = new
                changed = True
            for c in parts:
                others_low = low_sum - bounds[c][0]
                others_high = high_sum - bounds[c][1]
                new = [
                    max(bounds[c][0], bounds[total_cell][0] - others_high),
                    min(bounds[c][1], bounds[total_cell][1] - others_low),
                ]
                if new != bounds[c]:
                    bounds[c] = new
                    low_sum, high_sum = sum(bounds[x][0] for x in parts), sum(bounds[x][1] for x in parts)
                    changed = True
    return bounds


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_masked_value_can_be_recomputed(table):
    result = proteger(table)
    true_values = [[c.valeur for c in row] for row in result.etendue]
    if result.retenue:
        assert all(v is None for row in result.publie() for v in row)
        return
    published = result.publie()
    bounds = attacker_bounds(published, true_values)
    for (a, b), (lo, hi) in bounds.items():
        assert lo <= true_values[a][b] <= hi  # the attacker is sound
        if published[a][b] in (MASQUE_PRIMAIRE, MASQUE_SECONDAIRE):
            assert lo < hi, f"cellule {(a, b)} recalculable ({lo}) dans {published}"


@settings(max_examples=400, deadline=None)
@given(tables)
def test_every_masked_cell_has_a_compatible_alternative_table(table):
    result = proteger(table)
    if result.retenue:
        return
    true_values = [[c.valeur for c in row] for row in result.etendue]
    published = result.publie()
    for a, row in enumerate(result.etendue):
        for b, cell in enumerate(row):
            if not cell.masquee:
                continue
            other = alternative(result, a, b)
            assert other[a][b] != true_values[a][b]
            # the alternative is a real table: rows and columns add up to their totals
            for r in other[:-1] + [other[-1]]:
                assert sum(r[:-1]) == r[-1]
            for j in range(len(other[0])):
                assert sum(other[i][j] for i in range(len(other) - 1)) == other[-1][j]
            # and it shows exactly what was published
            for i, orow in enumerate(other):
                for j, value in enumerate(orow):
                    shown = published[i][j]
                    if shown == MASQUE_PRIMAIRE:
                        assert 0 <= value <= 10
                    elif shown == MASQUE_SECONDAIRE:
                        assert value >= 11
                    else:
                        assert value == shown


@settings(max_examples=300, deadline=None)
@given(tables)
def test_primary_rule_and_exact_published_values(table):
    result = proteger(table)
    for row in result.etendue:
        for cell in row:
            if 0 < cell.valeur < 11:
                assert cell.statut == PRIMAIRE
            if cell.valeur == 0:  # a zero is shown as 0, or hidden as « < 11 » (which covers 0 to 10)
                assert (cell.statut == PUBLIE and cell.affichage == 0) or cell.statut == PRIMAIRE
            if cell.statut == SECONDAIRE:
                assert cell.valeur >= 11
            if cell.statut == PUBLIE:
                assert cell.affichage == cell.valeur


def test_single_small_cell_triggers_secondary_suppression():
    result = proteger([[5, 20], [30, 40]])
    shown = result.publie()
    assert shown[0][0] == "< 11"
    # Row 0 total 25 and column 0 total 35 would reveal the 5: masks appear elsewhere.
    secondary = [(a, b) for a, row in enumerate(result.etendue) for b, c in enumerate(row) if c.statut == SECONDAIRE]
    assert secondary
    assert any(a == 0 for a, _ in secondary) and any(b == 0 for _, b in secondary)


def test_large_counts_are_untouched():
    result = proteger([[12, 20], [30, 40]])
    assert result.publie() == [[12, 20, 32], [30, 40, 70], [42, 60, 102]]


def test_zeros_are_published_and_table_without_people():
    assert proteger([[0, 0], [0, 0]]).publie() == [[0, 0, 0], [0, 0, 0], [0, 0, 0]]


def test_single_row_total_repeats_the_row():
    result = proteger([[4, 30, 25]])
    shown = result.publie()
    assert shown[0][:3] == shown[1][:3]  # the totals row mirrors the only row
    assert shown[0][0] == "< 11"


def test_negative_or_ragged_input_refused():
    with pytest.raises(ValueError):
        proteger([[1, -2]])
    with pytest.raises(ValueError):
        proteger([[1, 2], [3]])


def test_an_mds_without_activity_does_not_withhold_the_departement_table():
    """A row whose public total is 0 (an active MDS with no visitor this month) is all zeros for
    everyone: its cells stay published, and the other rows are protected as usual. Masking those
    zeros left cells no cycle could protect and the whole Département table was withheld."""
    table = proteger([[0, 0, 0], [22, 19, 0], [24, 50, 0], [27, 30, 3]], lignes_publiques=True)
    assert not table.retenue
    assert [c.affichage for c in table.etendue[0]] == [0, 0, 0, 0]
    for a, row in enumerate(table.etendue):
        for b, cell in enumerate(row):
            if cell.masquee:
                assert alternative(table, a, b)[a][b] != cell.valeur
