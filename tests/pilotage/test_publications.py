"""Secrecy over the whole set of publications: an attacker holding every people table of a month,
of the quarter that contains it, of the 12 months that end with it (and of every month and quarter
nested in them) — for the Département, each MDS and every selection of MDS, as shown on the
dashboards, in the exports and in the reports — bounds every hidden cell by integer programming
(scipy's ``milp``: exact integer bounds subject to every published figure, non-negativity, the
label ranges and the nesting of periods). The test fails if a bound pins a hidden cell."""

import io
import itertools
import time

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction

from core.models import MDS
from pilotage import exports, rapports, services
from pilotage.periode import Perimetre, Periode, mois_courant
from pilotage.publications import ATTRIBUTS, sous_periodes
from pilotage.secrecy import proteger
from tests.pilotage.attaquant import Attaquant

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


@pytest.fixture(scope="module")
def demo_module(django_db_setup, django_db_blocker):
    """The demo data, seeded once for this module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        started = time.monotonic()
        call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
        print(f"\nseed_demo : {time.monotonic() - started:.1f} s")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_module, db):
    return None


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
    for type_ in ("mois", "trimestre", "12mois"):
        print(type_, publications.part_masquee(Periode(type_, mois)))
    print(f"\n{hidden_total} cellules masquées / {cells_total} publiées, {time.monotonic() - started:.1f} s")


# Three MDS × three categories where protecting each table on its own leaks (found by search).
MATRICE = [[9, 5, 46], [20, 0, 2], [5, 0, 12]]


def _attaquer(departement, colonnes):
    """Attack the Département's table and each MDS's column as published (no database)."""
    attacker = Attaquant(coherent=False)
    names, cats = ["A", "B", "C"], ["F", "M", "N"]
    for i, name in enumerate(names):
        for j, c in enumerate(cats):
            attacker.publie(("m", name, c), {attacker.var("m", name, c): 1}, departement[i][j])
            attacker.publie(("m", name, c), {attacker.var("m", name, c): 1}, colonnes[i][j][0])
        attacker.publie(("m", name, "T"), {attacker.var("m", name, c): 1 for c in cats}, departement[i][-1])
    for j, c in enumerate(cats):
        attacker.publie(("m", "D", c), {attacker.var("m", n, c): 1 for n in names}, departement[-1][j])
    return attacker.epingles()


def test_the_attacker_recovers_cells_of_tables_protected_one_by_one():
    """Control: with the former rule (each table protected on its own, totals maskable) the same
    attacker recovers hidden cells — it would catch a return to per-table protection."""
    departement = proteger(MATRICE).publie()
    colonnes = [proteger([[v] for v in row]).publie() for row in MATRICE]
    assert _attaquer(departement, colonnes)


def test_one_decision_cut_everywhere_leaves_nothing_to_recover():
    departement = proteger(MATRICE, lignes_publiques=True).publie()
    colonnes = [[[v] for v in row[:-1]] for row in departement[:-1]]  # each MDS shows its row
    assert not _attaquer(departement, colonnes)


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
