"""Dashboards and the Rapports page in a real browser: axe (WCAG 2.1 AA), keyboard, no third party."""

import datetime as dt

import pytest
from django.core.management import call_command

from core.roles import Role
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def activity(mds_a, mds_b, make_user):
    med = make_user(Role.MEDIATEUR, mds=mds_a)
    for k, usager in enumerate(UsagerFactory.create_batch(4, mds=mds_a)):
        log(mds_a, med, usager=usager, date=dt.date(2026, 10, 2 + k), items=[item("caf_prime_activite")])
    log(mds_b, make_user(Role.MEDIATEUR, mds=mds_b), date=dt.date(2026, 10, 9))
    return med


def test_director_dashboard_is_accessible_and_filters_by_keyboard(page, login, axe, make_user, activity):
    login(page, make_user(Role.DIRECTEUR))
    page.goto("/pilotage/mds/?periode=mois&mois=2026-10")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Tableau de bord")
    assert page.locator("svg.pilotage-chart").count() > 5
    assert page.locator("table caption").count() >= page.locator("svg.pilotage-chart").count()
    axe(page, "pilotage-mds")
    page.get_by_label("Période", exact=True).select_option("trimestre")
    page.get_by_label("Période", exact=True).press("Tab")
    page.get_by_role("button", name="Afficher").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**periode=trimestre**")
    assert "trimestre" in page.locator("p.lead").inner_text()
    page.goto("/pilotage/mds/?periode=annee&mois=2026-99")
    assert page.get_by_role("alert").first.inner_text().startswith("Période invalide")
    axe(page, "pilotage-mds-erreur")
    assert page.third_party_requests == []


def test_departement_dashboard_is_accessible(page, login, axe, make_user, activity):
    login(page, make_user(Role.COORDINATEUR, mds=None))
    page.goto("/pilotage/departement/?periode=mois&mois=2026-10")
    assert page.locator("fieldset legend").first.inner_text().startswith("MDS")
    axe(page, "pilotage-departement")
    assert page.third_party_requests == []


def test_mon_activite_is_accessible(page, login, axe, activity):
    login(page, activity)
    page.goto("/pilotage/mon-activite/?periode=mois&mois=2026-10")
    axe(page, "pilotage-mon-activite")


def test_rapports_page_is_accessible(page, login, axe, make_user, activity, mds_a):
    call_command("rapport_mensuel", "--mois", "2026-10", "--mds", mds_a.code, "--sans-email")
    login(page, make_user(Role.DIRECTEUR))
    page.goto("/pilotage/rapports/")
    assert page.get_by_role("link", name="PDF").first.is_visible()
    axe(page, "pilotage-rapports")
    assert page.third_party_requests == []


def _pdf_pages(data: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", data))


@pytest.mark.parametrize(
    "role,url", [(Role.DIRECTEUR, "/pilotage/mds/"), (Role.COORDINATEUR, "/pilotage/departement/")]
)
def test_dashboard_v2_summary_sections_french_months_and_print(page, login, axe, make_user, role, url):
    """On the demo data: summary first, a table of contents, French month selector, legible chart
    labels (≥ 12 px as rendered), month names abbreviated, and a print version of at most 4 pages."""
    from tests.e2e.conftest import SCREENSHOTS

    call_command("seed_demo", "--quiet-accounts", stdout=__import__("io").StringIO())
    from django.db.models import Count

    from core.models import MDS

    # The busiest MDS (a fixture's MDS without activity would make an empty page to look at).
    mds = MDS.objects.filter(active=True).annotate(n=Count("usagers")).order_by("-n", "nom").first()
    login(page, make_user(role, mds=mds if role == Role.DIRECTEUR else None))
    page.goto(f"{url}?periode=12mois")
    headings = page.locator("h2").all_inner_texts()
    assert headings[0] == "En résumé" and "Sommaire" in headings
    assert page.locator(".pilotage-chiffres li").count() >= 6
    toc = page.locator("nav.pilotage-sommaire a").all_inner_texts()
    assert toc and (toc[0] == "Par MDS") == (role == Role.COORDINATEUR)
    options = page.locator("#id_mois option").all_inner_texts()
    assert options[0].split()[0] in {"Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août",
                                     "Septembre", "Octobre", "Novembre", "Décembre"}  # fmt: skip
    heights = page.eval_on_selector_all(
        "svg.pilotage-chart text.chart-label", "els => els.map(e => e.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 12, min(heights)
    labels = page.locator("svg[aria-labelledby^='graphique-accompagnements_mois'] text.chart-label").all_text_contents()
    cut = {"janv", "févr", "avri", "juil", "sept", "octo", "nove", "déce"}
    assert any(label.endswith(".") for label in labels) and not cut & set(labels)
    name = "pilotage-v2-" + ("departement" if role == Role.COORDINATEUR else "mds")
    axe(page, name)
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=False)
    (SCREENSHOTS / f"{name}.pdf").write_bytes(pdf)
    pages = _pdf_pages(pdf)
    print(f"{name}: {pages} pages imprimées")
    assert 1 <= pages <= 4, pages


def test_departement_dashboard_per_mds_first_summary_sections_and_print(page, login, axe, make_user):
    """The Département on the demo data, last closed month: the summary, then the per-MDS table (one
    row per active MDS and the total) before every other section, the freshness of every source, the
    people tables published; axe clean; printed on at most 4 A4 pages (screenshots for review)."""
    import io

    from dateutil.relativedelta import relativedelta

    from core.models import MDS
    from pilotage.periode import mois_courant
    from tests.e2e.conftest import SCREENSHOTS

    call_command("seed_demo", "--quiet-accounts", stdout=io.StringIO())
    names = list(MDS.objects.filter(active=True).order_by("nom").values_list("nom", flat=True))
    month = mois_courant() - relativedelta(months=1)
    login(page, make_user(Role.COORDINATEUR, mds=None))
    page.goto(f"/pilotage/departement/?periode=mois&mois={month:%Y-%m}")
    headings = page.locator("main h2").all_inner_texts()
    assert headings[:2] == ["En résumé", "Sommaire"] and headings[2] == "Par MDS", headings
    first = page.locator("section.pilotage-section").first
    assert first.get_attribute("id") == "par-mds"
    rows = first.locator("table").first.locator("tbody th[scope=row]").all_inner_texts()
    assert rows == [*names, "Total"], rows
    toc = page.locator("nav.pilotage-sommaire a").all_inner_texts()
    assert toc[0] == "Par MDS" and "Profil des usagers" in toc
    assert page.locator("section#profil table").count() == 4  # published for a closed month
    totals = page.locator("section#profil table tbody tr:last-child td:last-child").all_inner_texts()
    assert len(totals) == 4 and all(t.strip().isdigit() for t in totals), totals  # none withheld
    freshness = page.locator("details.pilotage-fraicheur")
    assert freshness.locator("summary").inner_text().startswith("Données à jour au")
    freshness.locator("summary").click()
    assert freshness.locator("li").count() == 5 and freshness.locator("li").first.is_visible()
    axe(page, "pilotage-departement-mois")
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "pilotage-departement-mois-print.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=False)
    (SCREENSHOTS / "pilotage-departement-mois.pdf").write_bytes(pdf)
    pages = _pdf_pages(pdf)
    print(f"Département, {month:%Y-%m} : {pages} pages imprimées")
    assert 1 <= pages <= 4, pages
    # A rolling 12-month window: the people tables say why they are not published, with a link.
    page.emulate_media(media="screen")
    page.goto(f"/pilotage/departement/?periode=12mois&mois={month:%Y-%m}")
    notice = page.locator("section#profil .pilotage-non-publie")
    assert notice.count() == 1 and "année civile terminée" in notice.inner_text()  # said once, not per table
    assert page.locator("section#profil table").count() == 0
    assert notice.get_by_role("link").first.get_attribute("href").startswith("?periode=12mois&mois=")
    axe(page, "pilotage-departement-12mois")
