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
