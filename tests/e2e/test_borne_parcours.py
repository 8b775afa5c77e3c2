"""The three kiosk flows driven as a person would (touch screen), in French and Arabic, in
landscape and portrait, with axe on every screen (screenshots in test-artifacts/screenshots)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone

from accueil.borne import services, tokens
from accueil.borne.models import CodeReservation
from accueil.enums import CanalRappel, CanalReservation, SourcePassage, StatutRendezVous
from accueil.models import Passage, RendezVous
from tests.accueil.factories import MotifFactory, make_mediators, open_desk
from tests.borne.factories import BorneFactory
from tests.e2e.borne_helpers import check_targets, choose_language, install_kiosk, tablets, tap

ALL_DAYS = range(7)
OPEN_TIME = "2026-12-08 10:15:00+01:00"
T = {
    "fr": {
        "rdv": "Prendre un rendez-vous", "arrivee": "J'ai un rendez-vous", "ticket": "Je n'ai pas de rendez-vous",
        "continuer": "Continuer", "sms": "Je veux un SMS de rappel", "valider_rdv": "Valider mon rendez-vous",
        "prenom": "Votre prénom", "tel": "Votre numéro de téléphone portable",
        "note": "Votre rendez-vous est noté !", "avec_code": "Oui, j'ai un code",
        "sans_code": "Non, je cherche avec l'heure",
        "code": "Votre code de rendez-vous", "valider": "Valider", "arrivee_ok": "Merci, votre arrivée est notée.",
        "autre": "Autre chose", "numero": "Voici votre numéro", "etape": "Étape {} sur {}",
        "introuvable": "Nous ne trouvons pas ce code",
    },
    "ar": {
        "rdv": "أخذ موعد", "arrivee": "لدي موعد", "ticket": "ليس لدي موعد",
        "continuer": "متابعة", "sms": "أريد رسالة تذكير قصيرة", "valider_rdv": "تأكيد موعدي",
        "prenom": "الاسم الأول", "tel": "رقم هاتفك المحمول",
        "note": "تم تسجيل موعدك!", "avec_code": "نعم، لدي رمز", "sans_code": "لا، البحث بالساعة",
        "code": "رمز موعدك", "valider": "تأكيد", "arrivee_ok": "شكرًا، تم تسجيل وصولك.",
        "autre": "شيء آخر", "numero": "هذا هو رقمك", "etape": "الخطوة {} من {}",
        "introuvable": "لا نجد هذا الرمز",
    },
}  # fmt: skip
COMBOS = [("fr", "paysage"), ("fr", "portrait"), ("ar", "paysage"), ("ar", "portrait")]


@pytest.fixture
def tablet(browser, live_server):
    yield from tablets(browser, live_server)


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.delete_pattern("borne:*")


@pytest.fixture(autouse=True)
def _desk_open():
    """A Tuesday morning: the reception is open (no walk-in ticket outside opening hours). The
    server's clock travels (live server thread included); the browser keeps its own clock."""
    with time_machine.travel(OPEN_TIME, tick=True):
        yield


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a, days=ALL_DAYS)
    make_mediators(mds_a, 1, days=ALL_DAYS)
    return MotifFactory(mds=mds_a, libelle="Aide pour un e-mail", reservable_borne=True)


def start(tablet, live_server, mds, langue, size):
    page = tablet(size)
    borne = install_kiosk(page, live_server, mds)
    page.goto("/borne/")
    if langue != "fr":
        choose_language(page, langue)
    assert page.locator("html").get_attribute("dir") == ("rtl" if langue == "ar" else "ltr")
    return page, borne


def screen(page, axe, name, langue, step=None):
    if step:
        assert T[langue]["etape"].format(*step) in page.locator(".borne-progression").inner_text()
    check_targets(page)
    axe(page, name)


def type_on_screen(page, label, text):
    """Touch the field, then type key by key as with the on-screen keyboard."""
    page.get_by_label(label).tap()
    page.keyboard.type(text, delay=20)


@pytest.mark.parametrize(("langue", "size"), COMBOS)
def test_book_an_appointment(tablet, live_server, mds_a, desk, axe, langue, size):
    t = T[langue]
    name = f"borne-{langue}-{size}-rdv"
    page, _borne = start(tablet, live_server, mds_a, langue, size)
    tap(page, t["rdv"])
    page.wait_for_url(re.compile(r"/rendez-vous/$"))
    screen(page, axe, f"{name}-1-motif", langue, (1, 6))
    tap(page, desk.libelle)
    page.wait_for_url(re.compile(r"/rendez-vous/jour/$"))
    screen(page, axe, f"{name}-2-jour", langue, (2, 6))
    page.locator(".borne-tuile-jour").first.tap()
    page.wait_for_url(re.compile(r"/rendez-vous/heure/$"))
    screen(page, axe, f"{name}-3-heure", langue, (3, 6))
    chosen = page.locator(".borne-tuile-heure").first
    heure = chosen.inner_text().strip()
    chosen.tap()
    page.wait_for_url(re.compile(r"/rendez-vous/prenom/$"))
    screen(page, axe, f"{name}-4-prenom", langue, (4, 6))
    tap(page, t["continuer"])  # empty: an error next to the field
    page.wait_for_selector(".borne-erreur")
    screen(page, axe, f"{name}-4-prenom-erreur", langue, (4, 6))
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, t["continuer"])
    page.wait_for_url(re.compile(r"/rendez-vous/rappel/$"))
    screen(page, axe, f"{name}-5-rappel", langue, (5, 6))
    tap(page, t["sms"])
    page.wait_for_url(re.compile(r"/rendez-vous/telephone/$"))
    screen(page, axe, f"{name}-5-telephone", langue, (6, 7))
    type_on_screen(page, t["tel"], "0612345678")
    tap(page, t["valider_rdv"])
    page.wait_for_url(re.compile(r"/rendez-vous/confirmation/$"))
    assert page.get_by_role("heading", level=1).inner_text() == t["note"]
    screen(page, axe, f"{name}-6-confirmation", langue, (7, 7))

    rdv = RendezVous.objects.get()
    assert (rdv.mds, rdv.motif, rdv.canal, rdv.rappel) == (mds_a, desk, CanalReservation.BORNE, CanalRappel.SMS)
    assert (rdv.prenom_ou_initiales, rdv.telephone) == ("Samia", "+33612345678")
    assert timezone.localtime(rdv.debut).strftime("%H:%M") == heure
    code = CodeReservation.objects.get(rendez_vous=rdv).code
    assert page.locator("[data-code-reservation]").inner_text().replace(" ", "") == code
    assert page.locator("[data-rdv-heure]").inner_text() == heure
    assert "Samia" not in page.content()
    assert page.third_party_requests == []


def today_appointment(borne, motif, prenom):
    """An appointment today a few minutes from now (created directly: booking rules are tested
    elsewhere, here the clock of the test run decides)."""
    now = timezone.localtime()
    debut = now + timedelta(minutes=20)
    if debut.date() != now.date():
        debut = now - timedelta(minutes=20)
    rdv = RendezVous.objects.create(
        mds=borne.mds,
        motif=motif,
        debut=debut,
        fin=debut + timedelta(minutes=30),
        canal=CanalReservation.BORNE,
        prenom_ou_initiales=prenom,
    )
    code = CodeReservation.objects.create(rendez_vous=rdv, code="ACDE3467")
    return rdv, code.code


@pytest.mark.parametrize(("langue", "size"), COMBOS)
def test_check_in_with_code(tablet, live_server, mds_a, desk, axe, langue, size):
    t = T[langue]
    name = f"borne-{langue}-{size}-arrivee"
    page, borne = start(tablet, live_server, mds_a, langue, size)
    rdv, code = today_appointment(borne, desk, "Nadia Amrani")
    tap(page, t["arrivee"])
    page.wait_for_url(re.compile(r"/arrivee/$"))
    screen(page, axe, f"{name}-1-choix", langue, (1, 3))
    tap(page, t["avec_code"])
    page.wait_for_url(re.compile(r"/arrivee/code/$"))
    screen(page, axe, f"{name}-2-code", langue, (2, 3))
    type_on_screen(page, t["code"], "acde 3469")  # a typo
    tap(page, t["valider"])
    page.wait_for_selector(".borne-erreur")
    assert t["introuvable"] in page.locator(".borne-erreur").inner_text()
    screen(page, axe, f"{name}-2-code-erreur", langue, (2, 3))
    page.get_by_label(t["code"]).fill("")
    type_on_screen(page, t["code"], code.lower())
    tap(page, t["valider"])
    page.wait_for_url(re.compile(r"/arrivee/ticket/$"))
    screen(page, axe, f"{name}-3-ticket", langue, (3, 3))
    passage = Passage.objects.get()
    rdv.refresh_from_db()
    assert passage.rendez_vous == rdv and passage.source == SourcePassage.RENDEZ_VOUS
    assert rdv.statut == StatutRendezVous.HONORE
    assert page.locator("[data-ticket]").inner_text() == passage.ticket
    assert "Nadia" not in page.content()


@pytest.mark.parametrize(("langue", "size"), [("fr", "paysage"), ("ar", "portrait")])
def test_check_in_by_time_and_initials(tablet, live_server, mds_a, desk, axe, langue, size):
    t = T[langue]
    page, borne = start(tablet, live_server, mds_a, langue, size)
    rdv, _code = today_appointment(borne, desk, "Nadia Amrani")
    tap(page, t["arrivee"])
    tap(page, t["sans_code"])
    page.wait_for_url(re.compile(r"/arrivee/liste/$"))
    screen(page, axe, f"borne-{langue}-{size}-arrivee-2-liste", langue, (2, 3))
    assert "Nadia" not in page.content() and desk.libelle not in page.locator("body").inner_text()
    heure = timezone.localtime(rdv.debut).strftime("%H:%M")
    page.locator(".borne-tuile-heure").filter(has_text=heure).filter(has_text="N. A.").tap()
    page.wait_for_url(re.compile(r"/arrivee/ticket/$"))
    assert page.locator("[data-ticket]").inner_text() == Passage.objects.get(rendez_vous=rdv).ticket


@pytest.mark.parametrize(("langue", "size"), COMBOS)
def test_take_a_ticket(tablet, live_server, mds_a, desk, axe, langue, size):
    t = T[langue]
    name = f"borne-{langue}-{size}-ticket"
    page, borne = start(tablet, live_server, mds_a, langue, size)
    services.prendre_ticket(borne=BorneFactory(mds=mds_a))  # someone is already waiting
    tap(page, t["ticket"])
    page.wait_for_url(re.compile(r"/ticket/$"))
    screen(page, axe, f"{name}-1-motif", langue, (1, 2))
    tap(page, t["autre"])
    page.wait_for_url(re.compile(r"/ticket/numero/$"))
    screen(page, axe, f"{name}-2-numero", langue, (2, 2))
    passage = Passage.objects.order_by("-numero").first()
    assert passage.source == SourcePassage.BORNE and passage.motif is None and passage.numero == 2
    assert page.locator("[data-ticket]").inner_text() == "A-002"
    assert page.locator("[data-attente]").is_visible()


def test_inactivity_wipes_a_half_typed_booking(tablet, live_server, mds_a, desk):
    page = tablet("portrait")
    page.clock.install()
    install_kiosk(page, live_server, mds_a)
    page.goto("/borne/")
    choose_language(page, "ar")
    tap(page, T["ar"]["rdv"])
    tap(page, desk.libelle)
    page.locator(".borne-tuile-jour").first.tap()
    page.wait_for_url(re.compile(r"/heure/$"))
    page.locator(".borne-tuile-heure").first.tap()
    page.wait_for_url(re.compile(r"/prenom/$"))
    type_on_screen(page, T["ar"]["prenom"], "Samia")
    page.clock.run_for(61_000)
    assert page.get_by_role("dialog").is_visible()
    with page.expect_navigation():
        page.clock.run_for(30_000)
    page.wait_for_url(re.compile(r"/borne/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto("/borne/rendez-vous/prenom/")
    page.wait_for_url(re.compile(r"/borne/rendez-vous/$"))  # the flow was wiped
    assert "Samia" not in page.content()
    assert not RendezVous.objects.exists()


def test_public_cancellation_page(page, mds_a, desk, axe):
    borne = BorneFactory(mds=mds_a)
    debut = timezone.now() + timedelta(days=2)
    rdv = RendezVous.objects.create(
        mds=mds_a, motif=desk, debut=debut, fin=debut + timedelta(minutes=30), canal=CanalReservation.BORNE,
        prenom_ou_initiales="Samia", telephone="+33612345678", rappel=CanalRappel.SMS,
    )  # fmt: skip
    assert borne.mds == rdv.mds
    page.goto(f"/borne/a/{tokens.jeton_annulation(rdv)}")
    axe(page, "borne-annulation-1")
    assert "Samia" not in page.content() and desk.libelle not in page.locator("body").inner_text()
    page.get_by_role("button", name="J'annule", exact=True).click()
    axe(page, "borne-annulation-2-confirmer")
    page.get_by_role("button", name="Oui, j'annule").click()
    page.wait_for_selector("text=Votre rendez-vous est annulé")
    axe(page, "borne-annulation-3-annule")
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.EXCUSE
