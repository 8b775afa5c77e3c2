"""Statistical secrecy for tables that count distinct PEOPLE crossed with a personal attribute
(domain brief §8): "< 11" below the threshold, and secondary suppression so that no hidden cell can
be recomputed from the published cells and the row/column totals.

Counts of acts (démarches by organisme, by month, by MDS) are not personal: do not pass them here.

The rule, applied by :func:`proteger` to a table of counts (rows × columns, additive: every person
is counted in exactly one cell, so the totals are the sums):

1. **Primary suppression.** Every cell — inner cells *and* totals — whose value is between 1 and 10
   is shown as ``"< 11"``.
2. **Zeros are usually published** (nobody has that attribute). A zero may however be masked as
   ``"< 11"`` when publishing it would let a reader recompute a neighbour (a row whose total is
   public and whose only other cell is small); so a reader only knows that ``"< 11"`` is 0…10.
3. **Secondary suppression.** Additional cells are masked (``"s"`` when ≥ 11, ``"< 11"`` below) until
   every masked cell is protected: the published values (cells and totals) are compatible with at
   least one *other* table in which that cell has a different value. The reader is assumed to know
   everything: the rule itself, that ``"< 11"`` means 0…10 and ``"s"`` means 11 or more, and every
   row/column equation.
4. **Fallback.** If no choice of secondary cells can protect a cell, the whole table is withheld.

How protection is decided (exact, not a heuristic): put the totals into an extended
(R+1) × (C+1) matrix and flip the sign of the margin cells; then every row and every column of the
signed matrix sums to zero, and the tables a reader cannot tell apart from the true one differ by
integer "circulations" supported on the masked cells, within the ranges the reader knows (0…10 for
``"< 11"``, ≥ 11 for ``"s"``). The constraint matrix is a bipartite network matrix (totally
unimodular), so a masked cell can take another value iff it lies on a cycle of the *residual graph*
(row node → column node when the cell may grow by one, column → row when it may shrink). The test
suite checks every masked cell with an independent attacker (bounds propagation) and by verifying
the alternative table returned by :func:`alternative`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

SEUIL = 11
MASQUE_PRIMAIRE = "< 11"
MASQUE_SECONDAIRE = "s"
LEGENDE = (
    "« < 11 » : effectif de personnes compris entre 0 et 10, masqué (secret statistique ; un zéro est "
    "masqué s'il permettrait de retrouver une case voisine). « s » : effectif d'au moins 11 masqué pour "
    "qu'aucune valeur cachée ne puisse être recalculée, même en combinant les tableaux publiés."
)

PUBLIE, PRIMAIRE, SECONDAIRE = "publie", "primaire", "secondaire"


@dataclass(frozen=True)
class Cellule:
    valeur: int
    statut: str = PUBLIE

    @property
    def masquee(self) -> bool:
        return self.statut != PUBLIE

    @property
    def affichage(self):
        if self.statut == PRIMAIRE:
            return MASQUE_PRIMAIRE
        if self.statut == SECONDAIRE:
            return MASQUE_SECONDAIRE
        return self.valeur

    def __str__(self):
        return str(self.affichage)


@dataclass(frozen=True)
class TableProtegee:
    """Result of :func:`proteger`. ``etendue`` is the (R+1) × (C+1) grid: last column = row totals,
    last row = column totals, bottom-right = grand total."""

    etendue: tuple[tuple[Cellule, ...], ...]
    retenue: bool = False  # the whole table is withheld (fallback of rule 4)

    @property
    def cellules(self):
        return [list(row[:-1]) for row in self.etendue[:-1]]

    @property
    def totaux_lignes(self):
        return [row[-1] for row in self.etendue[:-1]]

    @property
    def totaux_colonnes(self):
        return list(self.etendue[-1][:-1])

    @property
    def total(self):
        return self.etendue[-1][-1]

    def publie(self):
        """What a reader sees: the extended grid with masks (``None`` everywhere when withheld)."""
        if self.retenue:
            return [[None for _ in row] for row in self.etendue]
        return [[c.affichage for c in row] for row in self.etendue]


def _extend(counts: Sequence[Sequence[int]]) -> list[list[int]]:
    rows = [list(map(int, r)) for r in counts]
    ncols = len(rows[0])
    if any(len(r) != ncols for r in rows):
        raise ValueError("Toutes les lignes doivent avoir le même nombre de colonnes.")
    if any(v < 0 for r in rows for v in r):
        raise ValueError("Un effectif ne peut pas être négatif.")
    extended = [r + [sum(r)] for r in rows]
    extended.append([sum(r[j] for r in extended) for j in range(ncols + 1)])
    return extended


def _sign(i: int, j: int, nrows: int, ncols: int) -> int:
    """Sign making every row and column of the extended matrix sum to zero (margins are negative)."""
    return -1 if (i == nrows - 1) != (j == ncols - 1) else 1


def _range(value: int, statut: str) -> tuple[int, float]:
    """What a reader knows of a masked cell from its label: « < 11 » is 0…10 (a zero may be masked
    to protect a neighbour), « s » is 11 or more."""
    return (0, SEUIL - 1) if statut == PRIMAIRE else (SEUIL, float("inf"))


def _can_move(values, statuses, i, j, delta, bornes=None) -> bool:
    """May the signed value of masked cell (i, j) move by ``delta`` (±1) within what the reader
    knows (its label's range, narrowed by ``bornes`` learnt from other publications)?"""
    nrows, ncols = len(values), len(values[0])
    new = values[i][j] + _sign(i, j, nrows, ncols) * delta
    low, high = _range(values[i][j], statuses[i][j])
    if bornes and (i, j) in bornes:
        extra_low, extra_high = bornes[(i, j)]
        low, high = max(low, extra_low), min(high, extra_high)
    return low <= new <= high


def _cycle(values, statuses, i, j, bornes=None):
    """A residual cycle through masked cell (i, j), as a list of ((row, col), delta) moves, or None.

    Nodes: ("r", row) and ("c", col). A masked cell (a, b) gives the arc r_a → c_b when its signed
    value may grow by one and c_b → r_a when it may shrink."""
    nrows, ncols = len(values), len(values[0])
    masked = [(a, b) for a in range(nrows) for b in range(ncols) if statuses[a][b] != PUBLIE]
    for delta in (1, -1):
        if not _can_move(values, statuses, i, j, delta, bornes):
            continue
        # Arc of (i, j) goes start → end; look for a path end → start using other cells.
        start, end = (("r", i), ("c", j)) if delta == 1 else (("c", j), ("r", i))
        arcs: dict[tuple, list] = {}
        for a, b in masked:
            if (a, b) == (i, j):
                continue
            if _can_move(values, statuses, a, b, 1, bornes):
                arcs.setdefault(("r", a), []).append((("c", b), (a, b), 1))
            if _can_move(values, statuses, a, b, -1, bornes):
                arcs.setdefault(("c", b), []).append((("r", a), (a, b), -1))
        previous = {end: None}
        queue = deque([end])
        while queue:
            node = queue.popleft()
            if node == start:
                break
            for nxt, cell, d in arcs.get(node, []):
                if nxt not in previous:
                    previous[nxt] = (node, cell, d)
                    queue.append(nxt)
        if start in previous:
            moves = [((i, j), delta)]
            node = start
            while previous[node] is not None:
                node, cell, d = previous[node]
                moves.append((cell, d))
            return moves
    return None


def _mirrors(i: int, j: int, nrows: int, ncols: int):
    """With a single row (or column) the totals row (column) repeats it: mask both copies."""
    cells = {(i, j)}
    if nrows == 2:
        cells |= {(1 - i, j) for (i, j) in list(cells)}
    if ncols == 2:
        cells |= {(i, 1 - j) for (i, j) in list(cells)}
    return cells


def proteger(
    counts: Sequence[Sequence[int]],
    *,
    seuil: int = SEUIL,
    lignes_publiques: bool = False,
    forcees: Iterable[tuple[int, int]] = (),
    bornes: dict[tuple[int, int], tuple[float, float]] | None = None,
) -> TableProtegee:
    """Apply the secrecy rule to a table of counts of distinct people (see the module docstring).

    ``lignes_publiques``: the row totals (and the grand total) are published elsewhere (the number
    of distinct visitors of each MDS is a key figure): they are never masked, even below 11, and the
    protection of the inner cells does not count on them being hidden.
    ``forcees``: cells (extended grid) masked whatever their value — used to mask in a longer period
    every cell masked in one of its months (``pilotage.publications``).
    ``bornes``: for some cells, an interval the reader learns from other publications (a quarter
    counts at least the people of each of its months and at most their sum); a masked cell is
    protected only if it can move within it."""
    if seuil != SEUIL:
        raise ValueError("Le seuil est fixé à 11 par la règle du Département.")
    if not counts or not counts[0]:
        return TableProtegee(etendue=((Cellule(0),),))
    values = _extend(counts)
    nrows, ncols = len(values), len(values[0])
    publiques = {(a, ncols - 1) for a in range(nrows)} if lignes_publiques else set()
    if lignes_publiques:
        # A row whose public total is 0 (an MDS without activity this period) is known to be all
        # zeros: masking its cells would hide nothing and leave cells no cycle can protect — the
        # whole table used to be withheld because of it.
        publiques |= {(a, b) for a in range(nrows - 1) if values[a][-1] == 0 for b in range(ncols)}
    statuses = [
        [PRIMAIRE if 0 < v < SEUIL and (a, b) not in publiques else PUBLIE for b, v in enumerate(row)]
        for a, row in enumerate(values)
    ]
    for a, b in forcees:
        if (a, b) not in publiques and statuses[a][b] == PUBLIE:
            statuses[a][b] = PRIMAIRE if values[a][b] < SEUIL else SECONDAIRE
    retenue = False
    # Adding a mask only adds arcs to the residual graph: a protected cell stays protected.
    protected: set = set()

    def first_unprotected():
        for a in range(nrows):
            for b in range(ncols):
                if statuses[a][b] == PUBLIE or (a, b) in protected:
                    continue
                if _cycle(values, statuses, a, b, bornes) is None:
                    return a, b
                protected.add((a, b))
        return None

    def maskable(a, b):
        return statuses[a][b] == PUBLIE and (a, b) not in publiques

    def mask(a, b):
        # A zero (or a small public margin) masked to protect a neighbour reads « < 11 ».
        statuses[a][b] = PRIMAIRE if values[a][b] < SEUIL else SECONDAIRE

    while not retenue:
        unprotected = first_unprotected()
        if unprotected is None:
            break
        i, j = unprotected
        same_line = [(a, b) for a in range(nrows) for b in range(ncols) if (a == i or b == j) and maskable(a, b)]
        everywhere = [(a, b) for a in range(nrows) for b in range(ncols) if maskable(a, b)]

        def cost(cell):
            a, b = cell
            is_margin = a == nrows - 1 or b == ncols - 1
            return (is_margin, values[a][b], a, b)

        def protects(cell, i=i, j=j):
            trial = [row[:] for row in statuses]
            for a, b in _mirrors(*cell, nrows, ncols):
                if trial[a][b] == PUBLIE and (a, b) not in publiques:
                    trial[a][b] = PRIMAIRE if values[a][b] < SEUIL else SECONDAIRE
            return _cycle(values, trial, i, j, bornes) is not None

        # Prefer one cell that protects (i, j) on its own: in its row/column first, then anywhere;
        # otherwise mask the cheapest cell of its row/column and look again.
        chosen = next((c for c in sorted(same_line, key=cost) if protects(c)), None)
        if chosen is None:
            # A single new mask can close a cycle only if its row and its column already hold masks.
            rows_masked = {a for a in range(nrows) for b in range(ncols) if statuses[a][b] != PUBLIE}
            cols_masked = {b for a in range(nrows) for b in range(ncols) if statuses[a][b] != PUBLIE}
            useful = [c for c in everywhere if c not in same_line and c[0] in rows_masked and c[1] in cols_masked]
            chosen = next((c for c in sorted(useful, key=cost) if protects(c)), None)
        if chosen is None:
            pool = same_line or everywhere
            chosen = min(pool, key=cost) if pool else None
        if chosen is None:
            retenue = True
            break
        for a, b in _mirrors(*chosen, nrows, ncols):
            if maskable(a, b):
                mask(a, b)
    grid = tuple(tuple(Cellule(values[a][b], statuses[a][b]) for b in range(ncols)) for a in range(nrows))
    return TableProtegee(etendue=grid, retenue=retenue)


def alternative(table: TableProtegee, i: int, j: int, bornes=None) -> list[list[int]]:
    """Another extended table, compatible with everything published, where masked cell (i, j)
    (coordinates in the extended grid) has a different value: the proof it cannot be recomputed."""
    values = [[c.valeur for c in row] for row in table.etendue]
    statuses = [[c.statut for c in row] for row in table.etendue]
    moves = _cycle(values, statuses, i, j, bornes)
    if moves is None:
        raise ValueError("Cellule non protégée.")
    nrows, ncols = len(values), len(values[0])
    for (a, b), delta in moves:
        values[a][b] += _sign(a, b, nrows, ncols) * delta
    return values
