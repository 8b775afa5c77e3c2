"""The desk's day in a real browser: every role's home passes axe with no CSP violation in the
console; the review loop (tutor comment → intern's home → « lu ») end to end."""

import pytest

from accueil.services import register_arrival
from core.roles import Role
from mediation.enums import Resultat
from mediation.models import Revue
from mediation.referentials import ensure_loaded
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory


def watch_csp(page):
    """Collect the console's CSP violations (inline style/script refused, foreign host...)."""
    page.csp_violations = []

    def on_console(message):
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            page.csp_violations.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.csp_violations.append(f"erreur JS : {error}"))
    return page


@pytest.fixture
def team(mds_a, make_user):
    ensure_loaded()
    tuteur = make_user(Role.TUTEUR, first_name="Tania", last_name="Roux")
    return {
        "tuteur": tuteur,
        "stagiaire": make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur, first_name="Sami"),
        "accueil": make_user(Role.ACCUEIL),
        "ts": make_user(Role.TRAVAILLEUR_SOCIAL),
        "directeur": make_user(Role.DIRECTEUR),
        "coordinateur": make_user(Role.COORDINATEUR),
        "admin": make_user(Role.ADMIN, mds=None),
    }


def test_every_home_is_the_day_and_passes_axe(page, login, axe, team, mds_a):
    usager = UsagerFactory(mds=mds_a, prenom="Amina", nom="K.")
    register_arrival(mds=mds_a, usager=usager, source="venu_directement")
    log(mds_a, team["stagiaire"], usager=usager, items=[item(resultat=Resultat.DOIT_REVENIR)])
    watch_csp(page)
    expected = {
        "stagiaire": "Mes démarches à suivre",
        "tuteur": "À revoir",
        "accueil": "Arrivées attendues aujourd'hui",
        "ts": "Orientations reçues",
        "directeur": "À traiter",
        "coordinateur": "Département : ce mois-ci",
        "admin": "Comptes",
    }
    for role, heading in expected.items():
        page.context.clear_cookies()
        login(page, team[role])
        page.goto("/")
        assert page.get_by_role("heading", name=heading).first.is_visible(), role
        assert page.get_by_text("s'affichera ici").count() == 0
        axe(page, f"accueil-{role}")
    assert page.csp_violations == []


def test_mediator_home_continues_an_open_demarche_in_one_tap(page, login, team, mds_a):
    usager = UsagerFactory(mds=mds_a, prenom="Amina", nom="K.")
    acc = log(mds_a, team["stagiaire"], usager=usager, items=[item(resultat=Resultat.DOIT_REVENIR)])
    login(page, team["stagiaire"])
    page.goto("/")
    page.get_by_role("link", name="Continuer : CAF — Prime d'activité").click()
    page.locator("[data-bloc]").wait_for()
    assert page.get_by_role("heading", level=1).inner_text().endswith("Amina K.")
    assert page.locator("[data-bloc] input[name$='-suite']").get_attribute("value") == str(acc.demarches.get().pk)


def test_review_loop_tutor_comment_reaches_the_intern(page, login, axe, team, mds_a):
    usager = UsagerFactory(mds=mds_a)
    acc = log(mds_a, team["stagiaire"], usager=usager, items=[item(postures={"saisie": "a_la_place"})])
    watch_csp(page)
    login(page, team["tuteur"])
    page.goto("/mediation/revue/")
    highlighted = page.locator("li.etape-a-la-place")
    assert highlighted.count() == 1 and "Saisie du formulaire" in highlighted.inner_text()
    page.get_by_label("Commentaire pour le ou la stagiaire (facultatif)").fill("Laisse-la saisir, elle sait faire")
    page.get_by_role("button", name="Marquer comme vu").click()
    page.get_by_text("Acte marqué comme vu.").wait_for()
    page.context.clear_cookies()
    login(page, team["stagiaire"])
    page.goto("/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Retours de votre tuteur·rice"))
    assert "Laisse-la saisir, elle sait faire" in panel.inner_text() and "non lu" in panel.inner_text()
    axe(page, "accueil-stagiaire-retour")
    page.goto(f"/mediation/accompagnements/{acc.pk}/")
    assert page.get_by_text("Laisse-la saisir, elle sait faire").is_visible()
    assert page.locator("tr.etape-a-la-place").count() == 1
    page.get_by_role("button", name="Marquer comme lu").click()
    page.get_by_text("Retour marqué comme lu.").wait_for()
    assert page.get_by_text("lu le").first.is_visible()
    assert Revue.objects.get().lue_le is not None
    axe(page, "mediation-detail-retour-lu")
    assert page.csp_violations == []


def test_mobile_menu_agenda_and_print(browser, live_server, login, axe, team, mds_a):
    import datetime as dt

    from django.utils import timezone

    from accueil.calendar import PARIS
    from accueil.models import RendezVous
    from tests.accueil.factories import MotifFactory

    motif = MotifFactory(mds=mds_a, libelle="Aide aux démarches de retraite en ligne")
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=PARIS)
    for i in range(3):
        RendezVous.objects.create(
            mds=mds_a,
            motif=motif,
            mediateur=team["stagiaire"],
            debut=noon + dt.timedelta(minutes=30 * i),
            fin=noon + dt.timedelta(minutes=30 * i + 30),
            canal="guichet",
            prenom_ou_initiales="Jean-Baptiste",
        )
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=live_server.url)
    page = watch_csp(context.new_page())
    try:
        login(page, team["accueil"])
        page.goto("/")
        toggle = page.get_by_role("button", name="Menu")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert not page.get_by_role("link", name="Rendez-vous").is_visible()
        header = page.locator(".site-header").bounding_box()
        assert header["height"] < 140, header
        axe(page, "accueil-390-menu-ferme")
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.get_by_role("link", name="Rendez-vous").click()
        page.wait_for_url("**/accueil/agenda/**")
        for vue in ("jour", "semaine"):
            page.goto(f"/accueil/agenda/?vue={vue}")
            width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
            assert width[0] <= width[1], f"{vue} : défilement horizontal {width}"
        axe(page, "agenda-390")
        page.emulate_media(media="print")
        assert not page.locator('form[aria-label="Choisir la période et l\'agenda"]').is_visible()
        assert not page.get_by_role("button", name="Imprimer").is_visible()
        statut = page.get_by_role("columnheader", name="Statut").first
        box = statut.bounding_box()
        assert box and box["x"] + box["width"] <= 390 + 1
        page.screenshot(path="test-artifacts/screenshots/agenda-impression.png", full_page=True)
        assert page.csp_violations == []
    finally:
        context.close()
