"""An integer-programming attacker of published people tables (scipy's ``milp``).

The unknowns are the true inner cells x[periode, mds, categorie] of one attribute; every published
figure is a constraint (a number: equality; « < 11 »: 0…10; « s »: 11 or more), every unknown is a
non-negative integer, and ``emboitements`` adds what nesting of periods implies for distinct people
(a period counts at least the people of a nested period and at most the sum over a cover)."""

import itertools

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, lil_matrix

from pilotage.publications import sous_periodes
from pilotage.secrecy import MASQUE_PRIMAIRE, MASQUE_SECONDAIRE


class Attaquant:
    """Linear system over the true inner cells x[periode, mds, categorie] of one attribute."""

    def __init__(self, coherent=True):
        self.coherent = coherent  # every publication shows the same cell the same way
        self.index: dict = {}
        self.rows: list = []  # (coefficients dict, low, high)
        self.shown: dict = {}  # cell identity → what every publication shows
        self.hidden: dict = {}  # identity → coefficient dict

    def var(self, periode, mds, categorie):
        return self.index.setdefault((periode, mds, categorie), len(self.index))

    def publie(self, identity, coefs, value):
        if self.coherent:
            previous = self.shown.setdefault(identity, value)
            assert previous == value, f"{identity} : « {previous} » ici, « {value} » ailleurs"
        else:
            identity = (*identity, len(self.rows))
            self.shown[identity] = value
        if value is None:
            return
        if value == MASQUE_PRIMAIRE:
            self.rows.append((coefs, 0, 10))
            self.hidden[identity] = coefs
        elif value == MASQUE_SECONDAIRE:
            self.rows.append((coefs, 11, np.inf))
            self.hidden[identity] = coefs
        else:
            assert isinstance(value, int), value
            self.rows.append((coefs, value, value))

    def distincts(self, periode, scope, categories, total):
        """The distinct people of several MDS together (a key figure): per category, unknown
        d[c] between the largest MDS cell and the sum of the MDS cells; the d[c] add up to ``total``."""
        if total is None:
            return
        ds = [self.var(periode, ("distincts", scope), c) for c in categories]
        for d, c in zip(ds, categories, strict=True):
            cells = [self.var(periode, name, c) for name in scope]
            for x in cells:
                self.rows.append(({d: 1, x: -1}, 0, np.inf))
            self.rows.append(({d: -1, **dict.fromkeys(cells, 1)}, 0, np.inf))
        self.rows.append((dict.fromkeys(ds, 1), total, total))

    def lire(self, periode, perimetre, tableau, categories):
        if perimetre.plusieurs:
            for name, cells in tableau.lignes:
                coefs = {self.var(periode, name, c): 1 for c in categories}
                for c, value in zip(categories, cells[:-1], strict=True):
                    self.publie((periode, name, c), {self.var(periode, name, c): 1}, value)
                self.publie((periode, name, "Total"), coefs, cells[-1])
            if tableau.total is not None:
                assert perimetre.departement, "une sélection de MDS ne publie pas de total"
                names = [name for name, _ in tableau.lignes]
                for c, value in zip(categories, tableau.total[:-1], strict=True):
                    coefs = {self.var(periode, n, c): 1 for n in names}
                    self.publie((periode, "Département", c), coefs, value)
        else:
            name = perimetre.mds[0].nom
            for (label, (value,)), c in zip(tableau.lignes, categories, strict=True):
                assert label == c
                self.publie((periode, name, c), {self.var(periode, name, c): 1}, value)
            coefs = {self.var(periode, name, c): 1 for c in categories}
            self.publie((periode, name, "Total"), coefs, tableau.total[0])

    def emboitements(self, family, names, categories):
        """A period counts at least the people of each nested period, at most the sum over a cover."""
        for period in family:
            subs = [s for s in sous_periodes(period) if s in family]
            if not subs:
                continue
            months = [s for s in subs if s.type == "mois"]
            quarters = [s for s in subs if s.type == "trimestre"]
            covers = [months] if len(months) == period.nb_mois else []
            inside = {m for q in quarters for m in q.mois_liste()}
            if quarters:
                rest = [m for m in months if m.mois not in inside]
                if len(rest) + 3 * len(quarters) == period.nb_mois:
                    covers.append(quarters + rest)
            self._bornes_entre_fenetres(period, subs, covers, names, categories)

    def _bornes_entre_fenetres(self, period, subs, covers, names, categories):
        """A window counts at least the people of each window inside it, at most the sum of a cover."""
        for name, c in itertools.product(names, categories):
            big = self.var(period, name, c)
            for sub in subs:
                self.rows.append(({big: 1, self.var(sub, name, c): -1}, 0, np.inf))
            for cover in covers:
                coefs = {big: 1}
                for sub in cover:
                    coefs[self.var(sub, name, c)] = coefs.get(self.var(sub, name, c), 0) - 1
                self.rows.append((coefs, -np.inf, 0))

    def liens(self, family, names, categories):
        """What overlapping windows imply for distinct people, whatever their shape: a window counts at
        least the people of every published window inside it, and at most the sum over any cover of
        it by published windows — its calendar quarters and remaining months, or any other window
        overlapping it plus the months left over (how two consecutive 12-month windows are
        differenced: W(nov.) ≤ W(oct.) + novembre)."""
        months = {frozenset(p.mois_liste()): p for p in family if p.type == "mois"}
        spans = {p: frozenset(p.mois_liste()) for p in family}

        def month_of(m):
            return months.get(frozenset([m]))

        for period in family:
            inside = spans[period]
            subs = [q for q in family if q != period and spans[q] < inside]
            covers = []
            quarters = [q for q in subs if q.type == "trimestre"]
            overlapping = [[q] for q in family if q != period and spans[q] & inside and q.type != "mois"]
            for core in [[], *([quarters] if quarters else []), *overlapping]:
                covered = frozenset().union(*(spans[q] for q in core)) if core else frozenset()
                rest = [month_of(m) for m in inside - covered]
                if all(rest) and (core or rest):
                    covers.append(core + rest)
            self._bornes_entre_fenetres(period, subs, covers, names, categories)

    def regle_des_marges(self, family, names, categories):
        """Published cells of a period whose sub-period hides the same cell, that the margin rule
        (``publications._coince``) could not have published from what is published: a reader who
        knows the rule would learn something from them. Returns them (none expected)."""
        from pilotage.publications import _covers

        wrong = []
        hidden = (MASQUE_PRIMAIRE, MASQUE_SECONDAIRE)
        for period in family:
            subs = [s for s in sous_periodes(period) if s in family]
            covers = _covers(period, subs) if subs else []
            for label, c in itertools.product([*names, "Département"], categories):
                value = self.shown.get((period, label, c))
                if not isinstance(value, int):
                    continue
                for sub in subs:
                    shown = self.shown.get((sub, label, c))
                    if shown not in hidden:
                        continue
                    published = [
                        sum(v for p in cover if isinstance(v := self.shown.get((p, label, c)), int))
                        for cover in covers
                        if sub in cover
                    ]
                    if shown == MASQUE_SECONDAIRE or value < 11 or any(value > total for total in published):
                        wrong.append((period, label, c, sub))
        return wrong

    def epingles(self):
        """Hidden cells an attacker pins to one value. Two feasible tables where a cell differs prove
        it is not pinned: first a few tables pushing every undecided cell up then down together, then
        the exact integer minimum and maximum of each cell still undecided."""
        n = len(self.index)
        matrix = lil_matrix((len(self.rows), n))
        low, high = np.empty(len(self.rows)), np.empty(len(self.rows))
        for k, (coefs, lo, hi) in enumerate(self.rows):
            for var, coef in coefs.items():
                matrix[k, var] = coef
            low[k], high[k] = lo, hi
        constraints = LinearConstraint(csr_matrix(matrix), low, high)
        integrality, bounds = np.ones(n), Bounds(np.zeros(n), np.full(n, 10**6))
        cells = list(self.hidden.items())
        vectors = {}
        for identity, coefs in cells:
            vector = np.zeros(n)
            for var, coef in coefs.items():
                vector[var] = coef
            vectors[identity] = vector
        seen: dict = {identity: set() for identity, _ in cells}

        def solve(objective):
            solution = milp(objective, constraints=constraints, integrality=integrality, bounds=bounds)
            assert solution.status == 0, solution.message
            for identity, vector in vectors.items():
                seen[identity].add(round(float(vector @ solution.x)))

        def undecided():
            return [identity for identity in vectors if len(seen[identity]) < 2]

        rng = np.random.default_rng(7)
        for sign in (1, -1, 1, -1):
            todo = undecided()
            if not todo:
                break
            solve(sign * sum(rng.uniform(1, 2) * vectors[i] for i in todo))
        self.milps = 4
        pinned = {}
        for identity in undecided():
            if len(seen[identity]) >= 2:
                continue
            for sign in (1, -1):
                self.milps += 1
                solve(-sign * vectors[identity])
                if len(seen[identity]) >= 2:
                    break
            if len(seen[identity]) < 2:
                pinned[identity] = seen[identity]
        return pinned
