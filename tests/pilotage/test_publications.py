"""Secrecy over the whole set of publications: an attacker holding every people table the
application publishes — every closed month, calendar quarter and calendar year around the demo data,
for the Département, each MDS and every selection of MDS, as shown on the dashboards, in the exports
and in the reports — plus the totals of every rolling 12-month window between them (the « usagers
distincts » key figure of each MDS, published for any window), bounds every hidden cell by integer
programming (scipy's ``milp``: exact integer bounds subject to every published figure,
non-negativity, the label ranges and what overlapping windows imply for distinct people), and the
« usagers distincts » of the Département and of every selection (people counted once across their
MDS: for each category, at least the largest MDS cell and at most their sum). The test
fails if a bound pins a hidden cell. Rolling windows and periods in progress publish no people
cell: that is checked through the same code."""

import datetime as dt
import io
import itertools
import time

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.db.models import Max, Min

from core.dates import PARIS
from core.models import MDS
from pilotage import exports, publications, rapports
from pilotage import selectors as services
from pilotage.models import ResumeActivite
from pilotage.periode import Perimetre, Periode, mois_courant
from pilotage.publications import ATTRIBUTS
from pilotage.rollup import rafraichir
from pilotage.secrecy import proteger
from tests.pilotage.attaquant import Attaquant

pytestmark = pytest.mark.django_db

CLES = set(ATTRIBUTS)


def _mois(start, end):
    months, month = [], start
    while month <= end:
        months.append(month)
        month += relativedelta(months=1)
    return months


def _fenetres(first, last):
    """(published calendar windows, rolling 12-month windows) around data from ``first`` to ``last``:
    every 12-month window ending from the first month of data to the last closed month, and every
    closed month, quarter and year these windows touch."""
    rolling = [Periode("12mois", m) for m in _mois(first, last) if m.month != 12]
    start = (first - relativedelta(months=11)).replace(month=1)
    calendar = [Periode("mois", m) for m in _mois(start, last)]
    calendar += [Periode("trimestre", m) for m in _mois(start, last) if m.month in (1, 4, 7, 10)]
    calendar += [Periode("12mois", dt.date(y, 12, 1)) for y in range(start.year, last.year + 1)]
    return calendar, rolling


def _perimetres():
    all_mds = tuple(MDS.objects.filter(active=True).order_by("nom"))
    scopes = [Perimetre(mds=all_mds, departement=True)] + [Perimetre(mds=(m,)) for m in all_mds]
    scopes += [Perimetre(mds=pair) for pair in itertools.combinations(all_mds, 2)]
    return all_mds, scopes


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


@pytest.fixture
def annee_terminee(demo):
    """Read everything as on 15 January of next year: the demo data's year, its quarters and its
    months are then all closed (the demo data covers the last 120 days)."""
    rafraichir()
    span = ResumeActivite.objects.filter(courante=True).aggregate(first=Min("date"), last=Max("date"))
    later = dt.datetime(span["last"].year + 1, 1, 15, 10, tzinfo=PARIS)
    with time_machine.travel(later, tick=False):
        yield span["first"].replace(day=1), mois_courant() - relativedelta(months=1)


def test_no_hidden_cell_is_pinned_by_every_publication_together(annee_terminee):
    first, last = annee_terminee
    calendar, rolling = _fenetres(first, last)
    all_mds, scopes = _perimetres()
    started = time.monotonic()
    published = []
    for periode in calendar:
        assert publications.refus(periode) is None, periode
        for perimetre in scopes:
            published += [(periode, perimetre, t) for t in services.tableaux(periode, perimetre, cles=CLES)]
    # Rolling windows (and a quarter asked by any of its months) go through the same code: no cell of
    # a rolling window, the same cells for every month naming a quarter.
    totals = {}
    for periode in rolling:
        for perimetre in scopes:
            for tableau in services.tableaux(periode, perimetre, cles=CLES):
                assert tableau.non_publie and tableau.rangees() == [], (periode, tableau.cle)
        for mds in all_mds:
            figures = {c.cle: c.valeur for c in services.chiffres_cles(periode, Perimetre(mds=(mds,)))}
            totals[(periode, mds.nom)] = figures["nb_usagers"]
    # The « usagers distincts » key figure of the Département and of every selection: people counted
    # once across its MDS — not the sum of the rows, but bounded by them for each category.
    distincts = {}
    for periode in calendar + rolling:
        for perimetre in scopes:
            if perimetre.plusieurs:
                figures = {c.cle: c.valeur for c in services.chiffres_cles(periode, perimetre)}
                distincts[(periode, tuple(m.nom for m in perimetre.mds))] = figures["nb_usagers"]
    quarter = next(p for p in calendar if p.type == "trimestre" and p.debut >= first)
    for month in quarter.mois_liste()[1:]:
        same = services.tableaux(Periode("trimestre", month), scopes[0], cles=CLES)
        assert [t.rangees() for t in same] == [t.rangees() for t in services.tableaux(quarter, scopes[0], cles=CLES)]
    assert distincts and all(v is not None for v in distincts.values())
    print(
        f"\n{len(published)} tableaux lus, {len(rolling)} fenêtres glissantes, {len(distincts)} « usagers distincts » "
        f"de plusieurs MDS, {time.monotonic() - started:.1f} s"
    )
    names = [m.nom for m in all_mds]
    hidden_total, cells_total = 0, 0
    for cle, (_, choices) in ATTRIBUTS.items():
        attacker = Attaquant()
        categories = [label for _, label in choices]
        for periode, perimetre, tableau in published:
            if tableau.cle == cle:
                attacker.lire(periode, perimetre, tableau, categories)
        for (periode, name), total in totals.items():
            attacker.publie((periode, name, "Total"), {attacker.var(periode, name, c): 1 for c in categories}, total)
        for (periode, scope), total in distincts.items():
            attacker.distincts(periode, scope, categories, total)
        attacker.liens(calendar + rolling, names, categories)
        # A reader who knows the margin rule learns nothing from it: every published cell of a period
        # whose sub-period hides it passes the rule's test on published figures alone.
        assert not attacker.regle_des_marges(calendar, names, categories)
        t0 = time.monotonic()
        pinned = attacker.epingles()
        print(
            f"{cle}: {len(attacker.hidden)} masquées, {len(attacker.index)} inconnues, {len(attacker.rows)} "
            "contraintes, "
            f"{attacker.milps} milp, {time.monotonic() - t0:.1f} s"
        )
        assert not pinned, f"{cle} : cellules recalculées {pinned}"
        hidden_total += len(attacker.hidden)
        cells_total += len(attacker.shown)
    # The demo data has hidden cells to attack, in every kind of window (otherwise nothing is proved).
    assert hidden_total > 20
    kinds = {p.type for p, _, t in published for row in t.rangees() for v in row if v in ("< 11", "s")}
    assert kinds == {"mois", "trimestre", "12mois"}
    print(f"{hidden_total} cellules masquées / {cells_total} publiées, {time.monotonic() - started:.1f} s")
    year = Periode("12mois", dt.date(last.year, 12, 1))
    for periode in (Periode("mois", last - relativedelta(months=1)), Periode("trimestre", last), year):
        for rule in ("marge", "union"):
            print(periode.libelle, rule, publications.part_masquee(periode, heritage=rule))
        print(periode.libelle, "1 à 10 personnes", publications.part_masquee(periode, primaire=True))


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


OCT25 = dt.date(2025, 10, 1)
# Two MDS × genre over a quarter where nobody comes back: the quarter's cells are the sums of its
# months, so a published quarter cell is a hidden monthly cell plus published ones.
TRIMESTRE = {
    OCT25: [[5, 30, 0], [20, 25, 0]],
    OCT25 + relativedelta(months=1): [[20, 20, 0], [20, 20, 0]],
    OCT25 + relativedelta(months=2): [[20, 20, 0], [20, 20, 0]],
}


def _attaque_trimestre(heritage):
    codes = [code for code, _ in ATTRIBUTS["profil_genre"][1]]
    names = [1, 2]
    months = {Periode("mois", m): matrix for m, matrix in TRIMESTRE.items()}
    quarter = Periode("trimestre", OCT25)
    counts = {
        p: {(mds, code): v for mds, row in zip(names, matrix, strict=True) for code, v in zip(codes, row, strict=False)}
        for p, matrix in months.items()
    }
    counts[quarter] = {key: sum(c.get(key, 0) for c in counts.values()) for key in counts[next(iter(months))]}
    decided, attacker = {}, Attaquant()
    for periode in [*months, quarter]:
        decision = publications._decider(periode, "profil_genre", counts[periode], decided, names, heritage)
        decided[(periode, "profil_genre")] = decision
        grid = decision.table.publie()
        for i, name in enumerate(names):
            cells = {attacker.var(periode, name, c): 1 for c in codes}
            for j, c in enumerate(codes):
                attacker.publie((periode, name, c), {attacker.var(periode, name, c): 1}, grid[i][j])
            attacker.publie((periode, name, "Total"), cells, grid[i][-1])
        for j, c in enumerate(codes):
            attacker.publie((periode, "D", c), {attacker.var(periode, n, c): 1 for n in names}, grid[-1][j])
    attacker.liens([*months, quarter], names, codes)
    assert heritage != "marge" or not attacker.regle_des_marges([*months, quarter], names, codes)
    return attacker.epingles()


def test_the_attacker_recovers_monthly_cells_from_a_quarter_that_ignores_them():
    """Control of the nesting constraints: publishing the quarter's cells whatever its months hide
    lets the attacker recompute the hidden October cells; the margin rule (the default) and the former
    union rule mask what is needed."""
    assert _attaque_trimestre("aucun")
    assert not _attaque_trimestre("marge")
    assert not _attaque_trimestre("union")


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


def test_the_attacker_uses_the_distinct_people_of_several_mds():
    """Control of the « usagers distincts » constraints: MDS A hides both its cells (total 20), MDS B
    publishes 15 women and 5 men; if the two MDS together count only 20 distinct people, they are
    the same people, and A's hidden cells are 15 and 5."""
    attacker = Attaquant(coherent=False)
    cats = ["F", "M"]
    for c in cats:
        attacker.publie(("m", "A", c), {attacker.var("m", "A", c): 1}, "s" if c == "F" else "< 11")
    attacker.publie(("m", "A", "T"), {attacker.var("m", "A", c): 1 for c in cats}, 20)
    attacker.publie(("m", "B", "F"), {attacker.var("m", "B", "F"): 1}, 15)
    attacker.publie(("m", "B", "M"), {attacker.var("m", "B", "M"): 1}, 5)
    assert not attacker.epingles()
    attacker.distincts("m", ("A", "B"), cats, 20)
    assert {key[:3] for key in attacker.epingles()} == {("m", "A", "F"), ("m", "A", "M")}


def _lire_version(attacker, version, decision):
    """Every cell of one version of a month's decision, as every page, export and report shows it."""
    rows, codes = decision.mds_ids, decision.codes
    for a, line in enumerate(decision.table.publie()):
        for b, value in enumerate(line):
            mds = rows if a == len(rows) else [rows[a]]
            cats = codes if b == len(codes) else [codes[b]]
            coefs = {attacker.var(version, m, c): 1 for m in mds for c in cats}
            attacker.publie((version, a, b), coefs, value)


def _deux_versions(cle, before, after):
    """Cells pinned by a reader holding both versions of a month and knowing the correction exactly
    (how many people moved in and out of each cell between them: the strongest reader). A cell the
    first version published and the second hides is known to that reader anyway (its old value plus
    the move he knows of): not counted — what must stay unknown is every cell the first version hid,
    and every cell both hide."""
    attacker = Attaquant()
    _lire_version(attacker, "v1", before)
    _lire_version(attacker, "v2", after)
    for a, m in enumerate(before.mds_ids):
        for b, c in enumerate(before.codes):
            delta = after.table.etendue[a][b].valeur - before.table.etendue[a][b].valeur
            attacker.rows.append(({attacker.var("v2", m, c): 1, attacker.var("v1", m, c): -1}, delta, delta))
    first = before.table.publie()
    return {
        identity: values
        for identity, values in attacker.epingles().items()
        if not (identity[0] == "v2" and isinstance(first[identity[1]][identity[2]], int))
    }


def _correction_qui_revele(first, last):
    """A month, an attribute and one visitor's corrected value such that the month decided afresh on
    the corrected counts publishes a cell its first version hid (searched in the demo data, the
    correction undone after each try). Returns (month, key, visitor, new value) or None."""
    from pilotage import masques
    from usagers.models import Usager

    for mois in reversed(_mois(first, last)):
        periode = Periode("mois", mois)
        before = publications.decisions(periode)
        seen = ResumeActivite.objects.filter(courante=True, nature="accompagnement", usager_id__isnull=False,
                                             date__gte=periode.debut, date__lt=periode.fin)  # fmt: skip
        people = Usager.objects.filter(pk__in=seen.values("usager_id")).order_by("pk")
        for cle, (champ, choices) in ATTRIBUTS.items():
            hidden = masques.cases_masquees(before[cle])
            if not hidden:
                continue
            tried = set()
            for person in people:
                old = getattr(person, champ)
                for new, _ in choices:
                    if new == old or (person.mds_id, old, new) in tried:
                        continue
                    tried.add((person.mds_id, old, new))
                    Usager.objects.filter(pk=person.pk).update(**{champ: new})
                    fresh = masques.cases_masquees(publications.decisions(periode)[cle])
                    Usager.objects.filter(pk=person.pk).update(**{champ: old})
                    if hidden - fresh:
                        return periode, cle, person, new
    return None


def test_two_versions_of_a_month_around_a_correction_pin_nothing(annee_terminee):
    """A month published, then a visitor's record corrected and the month published again (a report
    regenerated, a dashboard read before and after): the reader holding both versions, and told
    exactly how the correction moved people between cells, pins no hidden cell of either — because
    a cell hidden by the first version stays hidden (``pilotage.masques``). Control: the same
    correction decided afresh, without the kept masks, lets the same reader recompute a cell."""
    from django.utils import timezone

    from pilotage import fenetres, masques

    first, last = annee_terminee
    found = _correction_qui_revele(first, last)
    assert found, "the demo data should hold a correction that changes a month's masks"
    periode, cle, person, new = found
    v1 = fenetres.decisions(periode)  # published (stored, its masks kept)
    setattr(person, ATTRIBUTS[cle][0], new)
    person.updated_at = timezone.now()
    person.save()
    assert fenetres.suivre_fiches() > 0  # the stored decision of that month is dropped
    v2 = fenetres.decisions(periode)
    assert v2[cle].table.etendue != v1[cle].table.etendue  # the counts did change
    pinned = _deux_versions(cle, v1[cle], v2[cle])
    assert not pinned, f"{periode.libelle}, {cle} : {pinned}"
    control = _deux_versions(cle, v1[cle], publications.decisions(periode)[cle])
    print(
        f"\n{periode.libelle}, {cle} : {len(masques.cases_masquees(v1[cle]))} cases masquées (v1), "
        f"{len(masques.cases_masquees(v2[cle]))} (v2), 0 recalculée ; sans les masques gardés : {len(control)}"
    )
    assert control, "without the kept masks the reader of both versions should recompute a cell"
