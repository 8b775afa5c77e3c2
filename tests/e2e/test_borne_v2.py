"""Kiosk v2 in a real browser (touch, 1080×1920 portrait and 1280×800 tablet, fr/en/ar): nothing
left behind after « Terminer », help that reaches the desk, closed hours, « Écouter » on every
screen, reach and focus, the phone page in the booking's language, the waiting-room call."""

import re
from datetime import timedelta

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from django.utils import timezone

from accueil.borne import services, tokens
from accueil.borne.models import DemandeAide
from accueil.enums import CanalReservation, SourcePassage
from accueil.models import Passage, RendezVous
from accueil.services import call_next, register_arrival
from core.roles import Role
from tests.accueil.factories import EcranFactory, MotifFactory, make_mediators, open_desk
from tests.borne.factories import BorneFactory
from tests.e2e.borne_helpers import SIZES, check_targets, choose_language, install_kiosk, tablets, tap
from tests.factories import UserFactory

OPEN_TIME = "2026-12-08 10:15:00+01:00"  # a Tuesday morning, reception open
ALL_DAYS = range(7)
T = {
    "fr": {"rdv": "Prendre un rendez-vous", "aide": "Demander à l'accueil", "prevenu": "On a prévenu l'accueil.",
           "arrive": "Quelqu'un arrive.", "terminer": "Terminer", "continuer": "Continuer", "non": "Non merci",
           "prenom": "Votre prénom", "ferme": "L'accueil est fermé.", "ecouter": "Écouter",
           "arrivee": "J'ai un rendez-vous", "ticket": "Je n'ai pas de rendez-vous", "avis": "Donner mon avis",
           "avec_code": "Oui, j'ai un code", "sans_code": "Non, je cherche avec l'heure", "autre": "Autre chose",
           "moyen": "Moyen", "passer": "Passer", "sms": "Je veux un SMS de rappel",
           "tel": "Votre numéro de téléphone portable",
           "valider_rdv": "Valider mon rendez-vous", "retour": "Retour"},
    "en": {"rdv": "Book an appointment", "aide": "Ask reception", "prevenu": "Reception has been told.",
           "arrive": "Someone is coming.", "terminer": "Finish", "continuer": "Continue", "non": "No thank you",
           "prenom": "Your first name", "ferme": "Reception is closed.", "ecouter": "Listen",
           "arrivee": "I have an appointment", "ticket": "I don't have an appointment", "avis": "Give feedback",
           "avec_code": "Yes, I have a code", "sans_code": "No, find it by the time", "autre": "Something else",
           "moyen": "So-so", "passer": "Skip", "sms": "Yes, text me a reminder", "tel": "Your mobile phone number",
           "valider_rdv": "Confirm my appointment", "retour": "Back"},
    "ar": {"rdv": "أخذ موعد", "aide": "طلب المساعدة من الاستقبال", "prevenu": "تم إخبار الاستقبال.",
           "arrive": "شخص من الاستقبال في الطريق إليك.", "terminer": "إنهاء", "continuer": "متابعة",
           "non": "لا، شكرًا", "prenom": "الاسم الأول", "ferme": "الاستقبال مغلق الآن.", "ecouter": "استماع",
           "arrivee": "لدي موعد", "ticket": "ليس لدي موعد", "avis": "إبداء الرأي",
           "avec_code": "نعم، لدي رمز", "sans_code": "لا، البحث بالساعة", "autre": "شيء آخر",
           "moyen": "متوسط", "passer": "تخطي", "sms": "أريد رسالة تذكير قصيرة", "tel": "رقم هاتفك المحمول",
           "valider_rdv": "تأكيد موعدي", "retour": "رجوع"},
}  # fmt: skip


@pytest.fixture
def tablet(browser, live_server):
    yield from tablets(browser, live_server)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.delete_pattern("borne:*")


@pytest.fixture
def open_now():
    with time_machine.travel(OPEN_TIME, tick=True):
        yield


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a, days=ALL_DAYS)
    make_mediators(mds_a, 1, days=ALL_DAYS)
    mds_a.telephone = "04 91 00 00 00"
    mds_a.save()
    return MotifFactory(mds=mds_a, libelle="Créer une adresse e-mail", libelle_en="Create an e-mail address",
                        reservable_borne=True)  # fmt: skip


@pytest.fixture
def screens_checked(axe):
    """check(page, name): axe WCAG 2.1 AA (screenshot) plus the best-practice ``page-has-heading-one``;
    the screen's <h1> has the focus; « Écouter » is there and its recording is served."""
    runner = Axe()

    def check(page, name, langue):
        axe(page, name)
        results = runner.run(page, options={"runOnly": {"type": "rule", "values": ["page-has-heading-one"]}})
        assert not results.response["violations"], f"{name}: pas de <h1>"
        assert page.evaluate("document.activeElement.tagName") == "H1", f"{name}: focus pas sur le titre"
        listen = page.locator("[data-borne-ecouter]")
        assert listen.inner_text().strip() == T[langue]["ecouter"], name
        src = listen.get_attribute("data-audio")
        assert f"/audio/borne/{langue}/" in src, name
        response = page.request.get(src)
        assert response.status == 200 and len(response.body()) > 1000, f"{name}: {src} → {response.status}"
        check_targets(page)

    return check


def start(tablet, live_server, mds, langue, size):
    page = tablet(size)
    borne = install_kiosk(page, live_server, mds)
    page.goto("/borne/")
    if langue != "fr":
        choose_language(page, langue)
    return page, borne


def type_on_screen(page, label, text):
    page.get_by_label(label).tap()
    page.keyboard.type(text, delay=10)


def book(page, t, motif_label, sms=False):
    tap(page, t["rdv"])
    page.wait_for_url(re.compile(r"/rendez-vous/$"))
    tap(page, motif_label)
    page.locator(".borne-tuile-jour").first.tap()
    page.wait_for_url(re.compile(r"/heure/$"))
    page.locator(".borne-tuile-heure").first.tap()
    page.wait_for_url(re.compile(r"/prenom/$"))
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, t["continuer"])
    page.wait_for_url(re.compile(r"/rappel/$"))
    if sms:
        tap(page, t["sms"])
        page.wait_for_url(re.compile(r"/telephone/$"))
        type_on_screen(page, t["tel"], "0612345678")
        tap(page, t["valider_rdv"])
    else:
        tap(page, t["non"])
    page.wait_for_url(re.compile(r"/confirmation/$"))


# --- 1. Nothing left behind -----------------------------------------------------------------------


@pytest.mark.parametrize(("langue", "size"), [("fr", "portrait"), ("ar", "paysage"), ("en", "portrait")])
def test_book_terminer_back_shows_nothing(tablet, live_server, mds_a, desk, open_now, langue, size):
    t = T[langue]
    page, _borne = start(tablet, live_server, mds_a, langue, size)
    book(page, t, desk.libelle_traduit(langue)[0])
    code = page.locator("[data-code-reservation]").inner_text()
    heure = page.locator("[data-rdv-heure]").inner_text()
    assert code and heure
    tap(page, t["terminer"])
    page.wait_for_url(re.compile(r"/borne/$"))
    assert page.locator("html").get_attribute("lang") == "fr"  # the language is reset too
    for _ in range(3):  # Back, Back, Back: never the previous visitor's booking
        page.go_back()
        page.wait_for_load_state()
        body = page.locator("body").inner_text()
        assert code not in body and code.replace(" ", "") not in body
        assert "Samia" not in page.content()
        assert not page.locator("[data-rdv-heure], [data-code-reservation]").count()
    page.goto("/borne/rendez-vous/confirmation/")
    page.wait_for_url(re.compile(r"/borne/$"))
    assert RendezVous.objects.get().langue == langue


def test_inactivity_resets_the_french_home_screen_too(tablet, live_server, mds_a, desk, open_now):
    page, _borne = start(tablet, live_server, mds_a, "fr", "portrait")
    page.clock.install()
    page.goto("/borne/")
    with page.expect_navigation():
        page.clock.run_for(91_000)  # the French home screen also runs the timer (session wiped)
    page.wait_for_url(re.compile(r"/borne/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour !"


# --- 2. Help that reaches a person ------------------------------------------------------------


@pytest.mark.parametrize(("langue", "size"), [("fr", "paysage"), ("ar", "portrait"), ("en", "paysage")])
def test_help_request_seen_on_the_desk(
    tablet, browser, live_server, login, mds_a, desk, open_now, screens_checked, langue, size
):
    t = T[langue]
    agent = UserFactory(role=Role.ACCUEIL, mds=mds_a)
    desk_context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    desk_page = desk_context.new_page()
    try:
        login(desk_page, agent)
        desk_page.goto("/accueil/file/")
        assert not desk_page.locator("[data-demande-aide]").count()

        page, borne = start(tablet, live_server, mds_a, langue, size)
        tap(page, t["rdv"])
        page.wait_for_url(re.compile(r"/rendez-vous/$"))
        tap(page, t["aide"])
        page.wait_for_url(re.compile(r"/borne/aide/$"))
        assert page.get_by_role("heading", level=1).inner_text() == t["prevenu"]
        screens_checked(page, f"borne-v2-{langue}-{size}-aide-attente", langue)
        demande = DemandeAide.objects.get()
        assert (demande.borne, demande.ecran) == (borne, "rdv")

        # The desk page polls: the request appears without reloading, with a chime.
        item = desk_page.locator(f'[data-demande-aide="{demande.pk}"]')
        item.wait_for(timeout=12_000)
        assert borne.nom in item.inner_text() and "rendez-vous : motif" in item.inner_text()
        desk_page.wait_for_function(
            "document.querySelector('[data-demandes-aide-zone]').getAttribute('data-sonnerie') >= '1'"
        )
        desk_page.screenshot(path="test-artifacts/screenshots/borne-v2-desk-demande-aide.png", full_page=True)
        item.get_by_role("button", name="J'y vais").click()
        item.wait_for(state="detached")

        # The kiosk then says someone is coming.
        page.get_by_role("heading", name=t["arrive"]).wait_for(timeout=10_000)
        demande.refresh_from_db()
        assert demande.prise_par == agent
        check_targets(page)
    finally:
        desk_context.close()


def test_help_request_on_the_reception_home(browser, live_server, login, mds_a, axe):
    agent = UserFactory(role=Role.ACCUEIL, mds=mds_a)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    page = context.new_page()
    try:
        login(page, agent)
        page.goto("/")
        services.demander_aide(borne=BorneFactory(mds=mds_a, nom="Entrée"), ecran="accueil")
        page.locator("[data-demande-aide]").wait_for(timeout=12_000)  # polled, no reload
        assert "Entrée" in page.locator("[data-demande-aide]").inner_text()
        axe(page, "borne-v2-accueil-home-demande-aide")
    finally:
        context.close()


# --- 3. Opening hours -----------------------------------------------------------------------------


@pytest.mark.parametrize("langue", ["fr", "ar"])
def test_closed_kiosk_offers_booking_only(tablet, live_server, mds_a, screens_checked, langue):
    tomorrow = (timezone.localdate() + timedelta(days=1)).weekday()
    open_desk(mds_a, days=[tomorrow])  # closed today whatever the time
    make_mediators(mds_a, 1, days=[tomorrow])
    page, _borne = start(tablet, live_server, mds_a, langue, "portrait")
    assert page.locator("[data-borne-ferme]").is_visible()
    assert T[langue]["ferme"] in page.locator("[data-borne-ferme]").inner_text()
    assert page.locator("[data-prochaine-ouverture]").is_visible()
    tiles = page.locator(".borne-tuiles-accueil .borne-tuile")
    assert tiles.count() == 1 and T[langue]["rdv"] in tiles.first.inner_text()
    screens_checked(page, f"borne-v2-{langue}-portrait-ferme", langue)
    page.goto("/borne/ticket/")
    page.wait_for_url(re.compile(r"/borne/$"))
    assert not Passage.objects.exists()


# --- 4/5/6. Every screen: Écouter, h1 + focus, axe, reach in portrait ----------------------------


def lower_two_thirds(page, name):
    if page.viewport_size != SIZES["portrait"]:
        return
    tops = page.eval_on_selector_all(
        "main .borne-tuile, main .borne-bouton, main input:not([type=hidden])",
        "els => els.filter(e => e.offsetParent !== null).map(e => e.getBoundingClientRect().top)",
    )
    assert tops and min(tops) >= 1920 / 3, f"{name}: une cible dans le tiers haut ({min(tops)} px)"


@pytest.mark.parametrize(("langue", "size"), [("fr", "portrait"), ("en", "portrait"), ("ar", "portrait"),
                                              ("fr", "paysage")])  # fmt: skip
def test_every_screen_can_be_heard_and_is_reachable(
    tablet, live_server, mds_a, desk, open_now, screens_checked, langue, size
):
    t = T[langue]
    page, borne = start(tablet, live_server, mds_a, langue, size)

    def screen(name):
        page.wait_for_load_state()
        screens_checked(page, f"borne-v2-{langue}-{size}-{name}", langue)
        lower_two_thirds(page, name)

    screen("accueil")
    assert not page.locator(".borne-retour").count()  # no « Retour » on the home screen
    tap(page, t["rdv"])
    page.wait_for_url(re.compile(r"/rendez-vous/$"))
    screen("rdv-motif")
    tile = page.locator(".borne-tuile", has_text=desk.libelle_traduit(langue)[0])
    if langue == "ar":  # no Arabic translation typed: French label, marked as French, and said so
        assert tile.locator('[lang="fr"]').count() == 1 and "(بالفرنسية)" in tile.inner_text()
    tile.tap()
    page.wait_for_url(re.compile(r"/jour/$"))
    screen("rdv-jour")
    day = page.locator(".borne-jour-nom").first.inner_text()
    if langue == "fr":
        assert day == day.lower(), "« lundi 7 décembre » sans majuscules"
    page.locator(".borne-tuile-jour").first.tap()
    page.wait_for_url(re.compile(r"/heure/$"))
    screen("rdv-heure")
    page.locator(".borne-tuile-heure").first.tap()
    page.wait_for_url(re.compile(r"/prenom/$"))
    screen("rdv-prenom")
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, t["continuer"])
    page.wait_for_url(re.compile(r"/rappel/$"))
    steps = [page.locator(".borne-progression").inner_text()]
    screen("rdv-rappel")
    tap(page, t["sms"])
    page.wait_for_url(re.compile(r"/telephone/$"))
    steps.append(page.locator(".borne-progression").inner_text())
    screen("rdv-telephone")
    type_on_screen(page, t["tel"], "0612345678")
    tap(page, t["valider_rdv"])
    page.wait_for_url(re.compile(r"/confirmation/$"))
    steps.append(page.locator(".borne-progression").inner_text())
    assert len(set(steps)) == 3, f"étapes répétées : {steps}"
    screen("rdv-confirmation")
    tap(page, t["terminer"])
    page.wait_for_url(re.compile(r"/borne/$"))
    if langue != "fr":
        choose_language(page, langue)

    tap(page, t["arrivee"])
    page.wait_for_url(re.compile(r"/arrivee/$"))
    screen("arrivee-choix")
    tap(page, t["avec_code"])
    page.wait_for_url(re.compile(r"/arrivee/code/$"))
    screen("arrivee-code")
    page.goto("/borne/arrivee/liste/")
    screen("arrivee-liste")
    page.goto("/borne/ticket/")
    screen("ticket-motif")
    tap(page, t["autre"])
    page.wait_for_url(re.compile(r"/ticket/numero/$"))
    screen("ticket-numero")
    tap(page, t["terminer"])
    page.wait_for_url(re.compile(r"/borne/$"))
    if langue != "fr":
        choose_language(page, langue)
    tap(page, t["avis"])
    page.wait_for_url(re.compile(r"/avis/$"))
    screen("avis-ressenti")
    tap(page, t["moyen"])
    page.wait_for_url(re.compile(r"/precisions/$"))
    screen("avis-tags")
    tap(page, t["passer"])
    page.wait_for_url(re.compile(r"/merci/$"))
    screen("avis-merci")

    # Focus ring: black inside white, visible on white, light blue and the dark buttons alike.
    page.keyboard.press("Tab")
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineColor, s.boxShadow]; })()"
    )
    assert ring[0] == "solid" and ring[1] == "rgb(0, 0, 0)" and "rgb(255, 255, 255)" in ring[2], ring
    assert page.third_party_requests == []


def test_listen_uses_the_recording_without_an_offline_voice(tablet, live_server, mds_a, desk, open_now):
    page, _borne = start(tablet, live_server, mds_a, "ar", "paysage")
    voices = page.evaluate(
        "() => speechSynthesis.getVoices().filter(v => v.localService && v.lang.toLowerCase().startsWith('ar')).length"
    )
    listen = page.locator("[data-borne-ecouter]")
    if voices:  # a device with an offline Arabic voice speaks with it
        listen.tap()
        page.locator('[data-borne-ecouter][data-mode="voix"]').wait_for(state="attached")
        return
    with page.expect_request(lambda r: r.url.endswith("/audio/borne/ar/accueil.ogg")):
        listen.tap()
    assert listen.get_attribute("data-mode") == "enregistrement"
    assert listen.get_attribute("aria-pressed") == "true"


# --- The phone page of the reminder link ----------------------------------------------------------


@pytest.mark.parametrize("langue", ["ar", "en"])
def test_phone_page_in_the_booking_language(browser, live_server, mds_a, desk, axe, langue):
    debut = timezone.now() + timedelta(days=2)
    rdv = RendezVous.objects.create(
        mds=mds_a, motif=desk, debut=debut, fin=debut + timedelta(minutes=30), canal=CanalReservation.BORNE,
        prenom_ou_initiales="Samia", langue=langue,
    )  # fmt: skip
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, base_url=live_server.url)
    page = context.new_page()
    try:
        page.goto(f"/borne/a/{tokens.jeton_annulation(rdv)}")
        assert page.locator("html").get_attribute("lang") == langue
        axe(page, f"borne-v2-annulation-{langue}-1")
        buttons = page.eval_on_selector_all(".borne-bouton", "els => els.map(e => e.getBoundingClientRect().height)")
        assert buttons and min(buttons) >= 64
        assert page.locator("[data-telephone]").get_attribute("href") == "tel:0491000000"
        cancel = {"ar": "أريد الإلغاء", "en": "I cancel"}[langue]
        yes = {"ar": "نعم، ألغي", "en": "Yes, I cancel"}[langue]
        page.get_by_role("button", name=cancel, exact=True).tap()
        page.get_by_role("button", name=yes).tap()
        page.locator("[data-reprendre]").wait_for()
        axe(page, f"borne-v2-annulation-{langue}-2-annule")
        page.goto("/borne/a/zz-abcdefghijklm")  # forged link: still a readable page
        axe(page, f"borne-v2-annulation-{langue}-invalide")
    finally:
        context.close()


# --- The waiting-room screen calls the number aloud -------------------------------------------------


def test_waiting_room_screen_calls_the_number(page, mds_a, settings, axe):
    settings.ECRAN_LANGUES = ["fr", "ar"]
    register_arrival(mds=mds_a, prenom_ou_initiales="Anouk", source=SourcePassage.BORNE)
    screen = EcranFactory(mds=mds_a, son=True)
    clips = []
    page.on("request", lambda r: clips.append(r.url.split("/audio/ecran/")[1]) if "/audio/ecran/" in r.url else None)
    page.goto(f"/accueil/ecran/{screen.token}/")
    page.get_by_role("button", name=re.compile("Activer le son")).click()
    # Headless Chromium has no offline voice: the call is played from the recorded clips, French
    # then Arabic; the last clip of the Arabic call is the proof the whole sequence was played.
    with page.expect_request(lambda r: r.url.endswith("/audio/ecran/ar/n-2.ogg"), timeout=30_000):
        call_next(mds=mds_a, guichet="Bureau 2")
    assert page.locator("#ecran-contenu").get_attribute("data-annonce") == "Ticket A 1, bureau 2"
    assert clips[:4] == ["fr/ticket-a.ogg", "fr/n-1.ogg", "fr/bureau.ogg", "fr/n-2.ogg"]
    assert clips[4:8] == ["ar/ticket-a.ogg", "ar/n-1.ogg", "ar/bureau.ogg", "ar/n-2.ogg"]
    assert Passage.objects.get().numero == 1
    axe(page, "borne-v2-ecran-appel")
