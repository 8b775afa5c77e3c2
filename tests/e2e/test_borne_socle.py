"""Kiosk in a real browser: pairing, home, language, feedback, help, inactivity reset, director screens."""

import re

import pytest
import time_machine

from accueil.borne import services
from accueil.borne.models import Avis, Borne
from tests.accueil.factories import open_desk
from tests.e2e.borne_helpers import check_targets, choose_language, install_kiosk, tablets, tap


@pytest.fixture
def tablet(browser, live_server):
    yield from tablets(browser, live_server)


@pytest.fixture(autouse=True)
def _desk_open(db, mds_a):
    """Reception open (a Tuesday morning): the home screen offers all four tiles (only booking when
    closed). The server's clock travels; the browser keeps its own."""
    open_desk(mds_a, days=range(7))
    with time_machine.travel("2026-12-08 10:15:00+01:00", tick=True):
        yield


TEXTS = {
    "fr": {"avis": "Donner mon avis", "moyen": "Moyen", "attente": "L'attente", "envoyer": "Envoyer mon avis",
           "merci": "Merci pour votre avis !", "etape": "Étape 2 sur 3", "aide": "Demander à l'accueil",
           "retour": "Retour", "oui": "Oui"},
    "ar": {"avis": "إبداء الرأي", "moyen": "متوسط", "attente": "الانتظار", "envoyer": "إرسال الرأي",
           "merci": "شكرًا على رأيك!", "etape": "الخطوة 2 من 3", "aide": "طلب المساعدة من الاستقبال",
           "retour": "رجوع", "oui": "نعم"},
}  # fmt: skip


def test_pairing_link_turns_the_tablet_into_a_kiosk(tablet, live_server, mds_a, axe):
    borne, code = services.creer_borne(mds=mds_a, nom="Entrée")
    page = tablet("paysage")
    page.goto(f"/borne/appairer/?code={code}")
    axe(page, "borne-appairage")
    page.get_by_role("button", name="Activer la borne").tap()
    page.wait_for_url(re.compile(r"/borne/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour !"
    borne.refresh_from_db()
    assert borne.identifiant_hash and borne.appairee_le
    # The kiosk cannot open a staff page.
    response = page.goto("/usagers/")
    assert response.status in (403, 404)
    assert page.third_party_requests == []


@pytest.mark.parametrize("size", ["paysage", "portrait"])
@pytest.mark.parametrize("langue", ["fr", "ar"])
def test_feedback_flow_as_a_person(tablet, live_server, mds_a, axe, langue, size):
    t = TEXTS[langue]
    page = tablet(size)
    install_kiosk(page, live_server, mds_a)
    page.goto("/borne/")
    if langue != "fr":
        choose_language(page, langue)
        assert page.locator("html").get_attribute("dir") == "rtl"
    check_targets(page)
    axe(page, f"borne-{langue}-{size}-1-accueil")

    tap(page, t["avis"])
    page.wait_for_url(re.compile(r"/borne/avis/$"))
    assert page.get_by_role("link", name=t["retour"]).is_visible()
    assert page.get_by_role("button", name=t["aide"]).is_visible()
    check_targets(page)
    axe(page, f"borne-{langue}-{size}-avis-1-ressenti")

    tap(page, t["moyen"])
    page.wait_for_url(re.compile(r"/borne/avis/precisions/$"))
    assert t["etape"] in page.locator(".borne-progression").inner_text()
    tap(page, t["attente"])
    assert page.get_by_role("checkbox", name=t["attente"]).is_checked()
    check_targets(page)
    axe(page, f"borne-{langue}-{size}-avis-2-precisions")

    tap(page, t["envoyer"])
    page.wait_for_url(re.compile(r"/borne/avis/merci/$"))
    assert page.get_by_role("heading", level=1).inner_text() == t["merci"]
    axe(page, f"borne-{langue}-{size}-avis-3-merci")
    avis = Avis.objects.get()
    assert (avis.mds, avis.ressenti, avis.tags) == (mds_a, 2, ["attente"])

    tap(page, t["aide"])
    page.wait_for_url(re.compile(r"/borne/aide/$"))
    axe(page, f"borne-{langue}-{size}-aide")
    assert page.third_party_requests == []


def test_inactivity_warns_at_60s_and_wipes_at_90s(tablet, live_server, mds_a, axe):
    page = tablet("paysage")
    page.clock.install()
    install_kiosk(page, live_server, mds_a)
    page.goto("/borne/")
    choose_language(page, "ar")
    tap(page, TEXTS["ar"]["avis"])
    tap(page, TEXTS["ar"]["moyen"])
    page.wait_for_url(re.compile(r"/precisions/$"))
    tap(page, TEXTS["ar"]["attente"])

    dialog = page.get_by_role("dialog")
    page.clock.run_for(59_000)
    assert not dialog.is_visible()
    page.clock.run_for(2_000)
    assert dialog.is_visible()
    assert dialog.get_by_role("heading").inner_text() == "هل ما زلت هنا؟"
    axe(page, "borne-ar-paysage-inactivite")
    dialog.get_by_role("button", name=TEXTS["ar"]["oui"]).tap()
    assert not dialog.is_visible()
    assert page.get_by_role("checkbox", name=TEXTS["ar"]["attente"]).is_checked()  # "Oui" keeps the screen

    page.clock.run_for(61_000)
    assert dialog.is_visible()
    with page.expect_navigation():
        page.clock.run_for(30_000)
    page.wait_for_url(re.compile(r"/borne/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour !"
    page.goto("/borne/avis/precisions/")
    page.wait_for_url(re.compile(r"/borne/avis/$"))  # the smiley chosen before was wiped
    assert not Avis.objects.exists()


def test_director_manages_devices(page, login, directeur, live_server, axe):
    login(page, directeur)
    page.goto("/borne/gestion/")
    axe(page, "borne-gestion-liste")
    page.get_by_label("Nom de la borne").fill("Hall d'entrée")
    page.get_by_role("button", name="Créer la borne").click()
    page.wait_for_selector("[data-code-appairage]")
    axe(page, "borne-gestion-code")
    link = page.locator("[data-lien-appairage]").inner_text()
    assert "/borne/appairer/?code=" in link
    page.get_by_role("link", name="Révoquer la borne").click()
    axe(page, "borne-gestion-revoquer")
    page.get_by_role("button", name="Oui, révoquer la borne").click()
    page.wait_for_url(re.compile(r"/borne/gestion/$"))
    assert not Borne.objects.get(nom="Hall d'entrée").active
