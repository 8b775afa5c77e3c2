"""Secrecy over the whole set of publications: an attacker holding every people table of a month,
of the quarter that contains it, of the 12 months that end with it (and of every month and quarter
nested in them) — for the Département, each MDS and every selection of MDS, as shown on the
dashboards, in the exports and in the reports — bounds every hidden cell by integer programming
(scipy's ``milp``: exact integer bounds subject to every published figure, non-negativity, the
label ranges and the nesting of periods). The test fails if a bound pins a hidden cell."""

import io
import itertools
import time

import numpy as np
from dateutil.relativedelta import relativedelta
import pytest
from django.core.management import call_command
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, lil_matrix

from core.models import MDS
from pilotage import exports, rapports, services
from pilotage.periode import Perimetre, Periode, mois_courant
from pilotage.publications import ATTRIBUTS, sous_periodes
from pilotage.secrecy import MASQUE_PRIMAIRE, MASQUE_SECONDAIRE

pytestmark = pytest.mark.django_db

CLES = set(ATTRIBUTS)


def _famille(mois):
    """The month, its quarter, its 12 months and every period nested in them."""
    tops = [Periode("mois", mois), Periode("trimestre", mois), Periode("12mois", mois)]
    family = set(tops)
    for top in tops:
        family |= set(sous_periodes(top))
    return sorted(family, key=lambda p: (p.debut, p.fin))


def _perimetres():
    all_mds = tuple(MDS.objects.filter(active=True).order_by("nom"))
    scopes = [Perimetre(mds=all_mds, departement=True)] + [Perimetre(mds=(m,)) for m in all_mds]
    scopes += [Perimetre(mds=pair) for pair in itertools.combinations(all_mds, 2)]
    return all_mds, scopes


class Attaquant:
    """Linear system over the true inner cells x[periode, mds, categorie] of one attribute."""

    def __init__(self):
        self.index: dict = {}
        self.rows: list = []  # (coefficients dict, low, high)
        self.shown: dict = {}  # cell identity → what every publication shows
        self.hidden: dict = {}  # identity → coefficient dict

    def var(self, periode, mds, categorie):
        return self.index.setdefault((periode, mds, categorie), len(self.index))

    def publie(self, identity, coefs, value):
        previous = self.shown.setdefault(identity, value)
        assert previous == value, f"{identity} : « {previous} » ici, « {value} » ailleurs"
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
            for name, c in itertools.product(names, categories):
                big = self.var(period, name, c)
                for sub in subs:
                    self.rows.append(({big: 1, self.var(sub, name, c): -1}, 0, np.inf))
                for cover in covers:
                    coefs = {big: 1}
                    for sub in cover:
                        coefs[self.var(sub, name, c)] = coefs.get(self.var(sub, name, c), 0) - 1
                    self.rows.append((coefs, -np.inf, 0))

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


def _publications(mois):
    """Every people table of the family, through the same code as the screens, exports and reports."""
    all_mds, scopes = _perimetres()
    family = _famille(mois)
    published = []
    for periode in family:
        for perimetre in scopes:
            for tableau in services.tableaux(periode, perimetre, cles=CLES):
                published.append((periode, perimetre, tableau))
    return all_mds, family, published


@pytest.fixture
def demo(db):
    started = time.monotonic()
    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    print(f"\nseed_demo : {time.monotonic() - started:.1f} s")


def test_no_hidden_cell_is_pinned_by_every_publication_together(demo):
    mois = mois_courant() - relativedelta(months=1)  # the last closed month
    started = time.monotonic()
    all_mds, family, published = _publications(mois)
    print(f"\n{len(published)} tableaux lus en {time.monotonic() - started:.1f} s")
    names = [m.nom for m in all_mds]
    hidden_total, cells_total = 0, 0
    for cle, (_, choices) in ATTRIBUTS.items():
        attacker = Attaquant()
        categories = [label for _, label in choices]
        for periode, perimetre, tableau in published:
            if tableau.cle == cle:
                attacker.lire(periode, perimetre, tableau, categories)
        attacker.emboitements(family, names, categories)
        t0 = time.monotonic()
        pinned = attacker.epingles()
        print(f"{cle}: {len(attacker.hidden)} masquées, {len(attacker.index)} inconnues, "
              f"{attacker.milps} milp, {time.monotonic() - t0:.1f} s")
        assert not pinned, f"{cle} : cellules recalculées {pinned}"
        hidden_total += len(attacker.hidden)
        cells_total += len(attacker.shown)
    # The demo data has hidden cells to attack (otherwise the test proves nothing).
    assert hidden_total > 20
    print(f"\n{hidden_total} cellules masquées / {cells_total} publiées, {time.monotonic() - started:.1f} s")


def test_report_and_export_show_the_dashboard_cells(demo):
    """The monthly reports (each MDS and the Département) and the CSV exports carry exactly the
    cells of the dashboards: one decision, reused everywhere."""
    mois = mois_courant() - relativedelta(months=1)
    periode = Periode("mois", mois)
    all_mds, scopes = _perimetres()
    departement = scopes[0]
    for mds in [None, *all_mds]:
        figures, _, _ = rapports.calculer(mois, mds)
        scope = departement if mds is None else Perimetre(mds=(mds,))
        for tableau in services.tableaux(periode, scope, cles=CLES):
            in_report = next(t for t in figures["tableaux"] if t["cle"] == tableau.cle)
            assert in_report["rangees"] == tableau.rangees()
            csv_text = exports.csv_tableau(tableau, "contexte").decode("utf-8-sig")
            for row in tableau.rangees():
                assert ";".join("" if v is None else str(v) for v in row) in csv_text
