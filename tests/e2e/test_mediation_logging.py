"""The logging screen in a real browser: the typical flow in ≤ 8 user actions, keyboard-only use,
and axe (WCAG 2.1 AA) on every mediation screen."""

import pytest

from core.roles import Role
from mediation.models import Accompagnement, EtapeRealisee, Revue
from mediation.services import charger_referentiels, orienter
from tests.mediation.factories import PartenaireFactory, item, log
from tests.usagers.factories import UsagerFactory

MAX_ACTIONS = 8


@pytest.fixture
def desk(mds_a, make_user):
    charger_referentiels()
    tuteur = make_user(Role.TUTEUR)
    return {
        "mediateur": make_user(Role.MEDIATEUR),
        "stagiaire": make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur),
        "tuteur": tuteur,
        "ts": make_user(Role.TRAVAILLEUR_SOCIAL),
        "usager": UsagerFactory(mds=mds_a, prenom="Amina", nom="K."),
    }


class Actions:
    """Counts user actions: clicks, taps, choice key presses; typing a prefix counts as one."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def goto(self, url):  # the « Commencer » click in the queue or on the visitor page
        self.count += 1
        self.page.goto(url)

    def click(self, locator):
        self.count += 1
        locator.click()

    def type(self, locator, text):
        self.count += 1
        locator.fill(text)

    def press(self, key):
        self.count += 1
        self.page.keyboard.press(key)


def test_typical_accompaniment_in_at_most_8_actions(page, live_server, login, axe, desk):
    usager = desk["usager"]
    login(page, desk["mediateur"])
    actions = Actions(page)
    actions.goto(f"/mediation/commencer/?usager={usager.pk}&source=aller_vers")
    axe(page, "mediation-commencer")
    # 1 démarche: type a prefix, Enter adds the first result with its default steps.
    search = page.get_by_label("Ajouter une démarche ou une aide numérique")
    actions.type(search, "prime")
    page.locator("#resultats ul[aria-label='Démarches trouvées']").wait_for()
    actions.press("Enter")
    block = page.locator("[data-bloc]")
    block.wait_for()
    assert block.locator(".etape").count() >= 5  # default steps laid out
    # First visit: no posture chosen in advance, no suggestion.
    assert block.locator(".etape input.btn-check:checked").count() == 0
    assert block.locator("[data-suggestion]").count() == 0
    axe(page, "mediation-commencer-bloc")
    # One tap for every step « faire avec », then one change: the person fills the form herself.
    actions.click(block.get_by_role("button", name="Toutes les étapes : faire avec"))
    saisie = block.locator(".etape[data-etape='saisie']")
    actions.click(saisie.get_by_text("Faire faire", exact=True))
    # Outcome and duration: one tap each.
    actions.click(block.locator("label", has_text="Finalisée"))
    actions.click(page.locator("label[for='duree-30']"))
    actions.click(page.get_by_role("button", name="Terminer et enregistrer"))
    page.wait_for_url("**/mediation/accompagnements/*/")
    assert page.get_by_role("heading", level=1).inner_text() == "Accompagnement enregistré"
    print(f"\nActions utilisateur pour un accompagnement type : {actions.count}")
    assert actions.count <= MAX_ACTIONS
    acc = Accompagnement.objects.get()
    assert acc.usager == usager and acc.duree_minutes == 30 and acc.source == "aller_vers"
    realisee = acc.demarches.get()
    assert realisee.demarche.code == "caf_prime_activite" and realisee.resultat == "finalisee"
    assert EtapeRealisee.objects.get(demarche_realisee=realisee, code="saisie").posture == "faire_faire"
    assert realisee.etapes.exclude(code="saisie").filter(posture="avec").count() == realisee.etapes.count() - 1
    axe(page, "mediation-detail")
    page.get_by_role("link", name="Imprimer le récapitulatif pour la personne").click()
    page.wait_for_url("**/recapitulatif/")
    axe(page, "mediation-recapitulatif")
    assert page.locator("input[type=password]").count() == 0
    assert page.third_party_requests == []


def test_from_the_queue_in_at_most_8_actions(page, login, desk, mds_a):
    from accueil.services import register_arrival

    usager = desk["usager"]
    passage = register_arrival(mds=mds_a, usager=usager, source="aller_vers")
    login(page, desk["mediateur"])
    page.goto("/accueil/file/")
    actions = Actions(page)
    actions.click(page.locator(f"#prendre-{passage.pk}"))
    page.wait_for_url("**/mediation/commencer/?passage=*")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Amina K.")
    actions.type(page.get_by_label("Ajouter une démarche ou une aide numérique"), "impots decl")
    page.locator("#resultats ul[aria-label='Démarches trouvées']").wait_for()
    actions.press("Enter")
    block = page.locator("[data-bloc]")
    block.wait_for()
    actions.click(block.get_by_role("button", name="Toutes les étapes : faire avec"))
    actions.click(block.locator(".etape[data-etape='saisie']").get_by_text("Faire faire", exact=True))
    actions.click(block.locator("label", has_text="Doit revenir"))
    actions.click(page.locator("label[for='duree-45']"))
    actions.click(page.get_by_role("button", name="Terminer et enregistrer"))
    page.wait_for_url("**/mediation/accompagnements/*/")
    print(f"\nActions depuis la file d'attente : {actions.count}")
    assert actions.count <= MAX_ACTIONS
    acc = Accompagnement.objects.get()
    assert acc.passage_id == passage.pk and acc.usager == usager and acc.source == "aller_vers"
    assert acc.demarches.get().resultat == "doit_revenir"
    # Re-log guard: Back, reload or history on the logging screen shows the saved accompaniment.
    detail = f"**/mediation/accompagnements/{acc.pk}/"
    page.go_back()
    page.wait_for_url(detail)
    page.goto(f"/mediation/commencer/?passage={passage.pk}")
    page.wait_for_url(detail)
    assert page.get_by_text("Ce passage est déjà enregistré").is_visible()
    assert page.get_by_role("link", name="Corriger").first.is_visible()
    assert Accompagnement.objects.count() == 1


def test_returning_visitor_gets_her_own_postures_as_marked_suggestions(page, login, axe, desk, mds_a):
    usager = desk["usager"]
    log(mds_a, desk["mediateur"], usager=usager, items=[item(postures={"saisie": "faire_faire"})])
    login(page, desk["mediateur"])
    page.goto(f"/mediation/commencer/?usager={usager.pk}")
    page.get_by_label("Ajouter une démarche ou une aide numérique").fill("prime")
    page.locator("#resultats ul[aria-label='Démarches trouvées']").wait_for()
    page.keyboard.press("Enter")
    block = page.locator("[data-bloc]")
    block.wait_for()
    saisie = block.locator(".etape[data-etape='saisie']")
    assert saisie.locator("input[value='faire_faire']").is_checked()
    assert saisie.locator("[data-suggestion]").is_visible()
    axe(page, "mediation-commencer-suggestions")


def test_logging_flow_at_390_px_without_sideways_scroll(browser, live_server, login, axe, desk):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR", base_url=live_server.url)
    page = context.new_page()
    try:
        login(page, desk["mediateur"])
        page.goto(f"/mediation/commencer/?usager={desk['usager'].pk}&source=aller_vers")
        page.get_by_label("Ajouter une démarche ou une aide numérique").fill("prime")
        page.locator("#resultats ul[aria-label='Démarches trouvées']").wait_for()
        page.keyboard.press("Enter")
        block = page.locator("[data-bloc]")
        block.wait_for()
        block.get_by_role("button", name="Toutes les étapes : faire avec").click()
        block.locator("label", has_text="Finalisée").click()
        page.locator("label[for='duree-30']").click()
        width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1], f"défilement horizontal : {width}"
        axe(page, "mediation-commencer-390")
        page.get_by_role("button", name="Terminer et enregistrer").click()
        page.wait_for_url("**/mediation/accompagnements/*/")
        assert Accompagnement.objects.count() == 1
    finally:
        context.close()


def _tab_to(page, locator, limit=120):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError("élément inatteignable au clavier")


def test_keyboard_only_flow_with_errors_then_consent(page, login, axe, desk):
    login(page, desk["mediateur"])
    page.goto("/mediation/commencer/")
    search = page.get_by_label("Ajouter une démarche ou une aide numérique")
    _tab_to(page, search)
    page.keyboard.type("impots decl")
    page.locator("#resultats ul[aria-label='Démarches trouvées']").wait_for()
    page.keyboard.press("Enter")
    block = page.locator("[data-bloc]")
    block.wait_for()
    # Nothing preselected: « toutes les étapes : faire avec » from the keyboard, then the validation
    # step « à la place » (arrow keys move within the radio group).
    _tab_to(page, block.get_by_role("button", name="Toutes les étapes : faire avec"))
    page.keyboard.press("Enter")
    validation = block.locator(".etape[data-etape='validation_envoi']")
    _tab_to(page, validation.locator("input[value='avec']"))
    page.keyboard.press("ArrowLeft")
    assert validation.locator("input[value='a_la_place']").is_checked()
    assert validation.locator(".consentement").is_visible()
    # Submit without outcome, duration or consent: errors in French, nothing lost.
    _tab_to(page, page.get_by_role("button", name="Terminer et enregistrer"))
    page.keyboard.press("Enter")
    page.locator("[data-error-summary]").wait_for()
    assert page.get_by_text("Choisissez une durée.").first.is_visible()
    assert page.get_by_text("Choisissez le résultat de la démarche.").first.is_visible()
    assert page.get_by_text("indiquez l'accord de la personne").first.is_visible()
    assert validation.locator("input[value='a_la_place']").is_checked()
    axe(page, "mediation-commencer-erreurs")
    consent = validation.locator("input[value='accord_verifie']")
    _tab_to(page, consent)
    page.keyboard.press("Space")
    _tab_to(page, block.locator("input[value='finalisee']"))
    page.keyboard.press("Space")
    _tab_to(page, page.locator("#duree-15"))
    page.keyboard.press("Space")
    _tab_to(page, page.get_by_role("button", name="Terminer et enregistrer"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/mediation/accompagnements/*/")
    realisee = Accompagnement.objects.get().demarches.get()
    assert realisee.consentement == "accord_verifie"


def test_other_mediation_screens_pass_axe(page, login, axe, desk, mds_a):
    stagiaire, tuteur, ts = desk["stagiaire"], desk["tuteur"], desk["ts"]
    usager = desk["usager"]
    PartenaireFactory(mds=mds_a, nom="Centre social Frais Vallon")
    acc = log(mds_a, stagiaire, usager=usager, items=[item(postures={"saisie": "a_la_place"})])
    assert Revue.objects.exists()
    orienter(mds=mds_a, emetteur=ts, sens="vers_mediation", usager=usager, note="Aide CAF")
    orienter(mds=mds_a, emetteur=stagiaire, sens="vers_travailleur_social", usager=usager, note="Pour un DALO")
    login(page, tuteur)
    page.goto("/mediation/revue/")
    axe(page, "mediation-revue")
    page.goto("/mediation/orientations/")
    axe(page, "mediation-orientations-desk")
    page.goto("/mediation/partenaires/")
    axe(page, "mediation-partenaires")
    page.goto("/mediation/partenaires/ajouter/")
    page.get_by_role("button", name="Enregistrer").click()
    page.locator("[data-error-summary]").wait_for()
    axe(page, "mediation-partenaire-erreurs")
    page.goto(f"/mediation/accompagnements/{acc.pk}/corriger/")
    page.get_by_label("Durée (minutes)").fill("0")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.locator("[data-error-summary]").wait_for()
    axe(page, "mediation-corriger-erreurs")
    page.goto(f"/mediation/accompagnements/{acc.pk}/supprimer/")
    axe(page, "mediation-supprimer")
    page.goto(f"/mediation/commencer/?usager={usager.pk}")
    axe(page, "mediation-commencer-usager")
    page.context.clear_cookies()
    login(page, ts)
    page.goto("/mediation/orientations/")
    axe(page, "mediation-orientations-ts")
    page.goto("/mediation/orientations/nouvelle/")
    axe(page, "mediation-orientation-nouvelle")
    page.get_by_label("Note courte (objective, non sensible)").fill("mot de passe : abc")
    page.get_by_role("button", name="Envoyer l'orientation").click()
    page.locator("[data-error-summary]").wait_for()
    axe(page, "mediation-orientation-erreurs")
    assert page.third_party_requests == []


def test_reserved_demarche_block_passes_axe(page, login, axe, desk):
    login(page, desk["mediateur"])
    page.goto("/mediation/commencer/")
    page.get_by_label("Ajouter une démarche ou une aide numérique").fill("dalo")
    page.locator("#resultats ul[aria-label='Démarches trouvées'] [data-resultat]", has_text="DALO").click()
    page.locator(".bloc-reserve").wait_for()
    assert page.get_by_text("Démarche réservée aux travailleurs sociaux.").is_visible()
    axe(page, "mediation-commencer-reservee")
