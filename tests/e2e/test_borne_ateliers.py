"""« M'inscrire à un atelier » on the kiosk in a real browser (touch, 1080×1920 portrait and
1280×800 tablet, fr/ar/en): every screen passes axe (WCAG 2.1 AA + page-has-heading-one), has
« Écouter » with its recording, focus on the <h1>, targets in reach; the registration lands in the
ateliers app; a séance filled meanwhile offers the others; nothing left after « Terminer ». Also
« Prévenez-moi par SMS quand c'est mon tour » on the walk-in ticket screen."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from ateliers import services as ateliers_services
from ateliers.models import Inscription
from tests.ateliers.factories import AtelierFactory, SeanceFactory
from tests.e2e import test_borne_v2 as v2
from tests.e2e.borne_helpers import tap
from tests.e2e.test_borne_v2 import T, lower_two_thirds, start, type_on_screen

# The kiosk v2 fixtures (touch tablet, open desk, time, screen checks), shared.
tablet, desk, open_now, screens_checked = v2.tablet, v2.desk, v2.open_now, v2.screens_checked
_fresh_counters = v2._fresh_counters  # autouse: the rate-limit counters start at zero

A = {
    "fr": {"atelier": "M'inscrire à un atelier", "inscrire": "M'inscrire", "complet": "Cet atelier n'a plus de place."},
    "en": {"atelier": "Sign up for a workshop", "inscrire": "Sign me up", "complet": "This workshop is now full."},
    "ar": {"atelier": "التسجيل في ورشة", "inscrire": "التسجيل", "complet": "لم يعد في هذه الورشة مكان شاغر."},
}


def seances(mds):
    now = timezone.now()
    first = SeanceFactory(
        atelier=AtelierFactory(mds=mds, titre="Mes premiers courriels"),
        debut=now + timedelta(days=2, hours=4),
        capacite=1,
    )
    other = SeanceFactory(
        atelier=AtelierFactory(mds=mds, titre="Faire ses démarches sur le téléphone"),
        debut=now + timedelta(days=9),
        capacite=4,
    )
    return first, other


@pytest.mark.parametrize(("langue", "size"), [("fr", "portrait"), ("ar", "portrait"), ("ar", "paysage"),
                                              ("en", "paysage")])  # fmt: skip
def test_register_to_an_atelier(tablet, live_server, mds_a, desk, open_now, screens_checked, langue, size):
    t, a = T[langue], A[langue]
    first, _other = seances(mds_a)
    page, _borne = start(tablet, live_server, mds_a, langue, size)

    def screen(name):
        page.wait_for_load_state()
        screens_checked(page, f"borne-ateliers-{langue}-{size}-{name}", langue)
        lower_two_thirds(page, name)

    screen("accueil")
    tap(page, a["atelier"])
    page.wait_for_url(re.compile(r"/borne/ateliers/$"))
    screen("liste")
    tiles = page.locator(".borne-tuile-atelier")
    assert tiles.count() == 2
    if langue != "fr":  # titles typed by the MDS stay French, marked so for the voice
        assert tiles.first.locator('[lang="fr"]').inner_text() == "Mes premiers courriels"
    tiles.first.tap()
    page.wait_for_url(re.compile(r"/ateliers/prenom/$"))
    screen("prenom")
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, a["inscrire"])
    page.wait_for_url(re.compile(r"/ateliers/confirmation/$"))
    screen("confirmation")
    assert page.locator("[data-atelier-titre]").inner_text() == "Mes premiers courriels"
    heure = page.locator("[data-atelier-heure]").inner_text()
    inscription = Inscription.objects.get()
    assert (inscription.seance_id, inscription.prenom_ou_initiales, inscription.usager_id) == (first.pk, "Samia", None)

    tap(page, t["terminer"])
    page.wait_for_url(re.compile(r"/borne/$"))
    for _ in range(3):  # Back, Back, Back: never the previous visitor's registration
        page.go_back()
        page.wait_for_load_state()
        assert not page.locator("[data-atelier-heure], [data-atelier-titre]").count()
        content = page.content()
        assert "Samia" not in content, (page.url, content[content.find("Samia") - 300 : content.find("Samia") + 50])
        assert heure not in page.locator("main").inner_text()
    assert page.third_party_requests == []


@pytest.mark.parametrize(("langue", "size"), [("ar", "paysage"), ("fr", "portrait")])
def test_full_seance_offers_the_others(tablet, live_server, mds_a, desk, open_now, screens_checked, langue, size):
    t, a = T[langue], A[langue]
    first, other = seances(mds_a)
    page, _borne = start(tablet, live_server, mds_a, langue, size)
    tap(page, a["atelier"])
    page.wait_for_url(re.compile(r"/borne/ateliers/$"))
    page.locator(".borne-tuile-atelier").first.tap()
    page.wait_for_url(re.compile(r"/ateliers/prenom/$"))
    ateliers_services.inscrire(seance_id=first.pk)  # the desk takes the last place meanwhile
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, a["inscrire"])
    page.wait_for_url(re.compile(r"/borne/ateliers/$"))
    alert = page.locator("[data-atelier-complet]")
    assert a["complet"] in alert.inner_text()
    screens_checked(page, f"borne-ateliers-{langue}-{size}-complet", langue)
    tiles = page.locator(".borne-tuile-atelier")
    assert tiles.count() == 1 and "Faire ses démarches" in tiles.first.inner_text()
    assert not Inscription.objects.filter(prenom_ou_initiales="Samia").exists()
    tiles.first.tap()
    page.wait_for_url(re.compile(r"/ateliers/prenom/$"))
    type_on_screen(page, t["prenom"], "Samia")
    tap(page, a["inscrire"])
    page.wait_for_url(re.compile(r"/ateliers/confirmation/$"))
    assert Inscription.objects.get(prenom_ou_initiales="Samia").seance_id == other.pk


# --- « Prévenez-moi par SMS quand c'est mon tour » ------------------------------------------------

SMS = {
    "fr": {"prevenez": "Prévenez-moi par SMS quand c'est mon tour", "recevoir": "Recevoir le SMS"},
    "en": {"prevenez": "Text me when it's my turn", "recevoir": "Send me the text"},
    "ar": {"prevenez": "أريد رسالة قصيرة عندما يحين دوري", "recevoir": "استلام الرسالة"},
}


@pytest.mark.parametrize(("langue", "size"), [("fr", "portrait"), ("ar", "paysage"), ("ar", "portrait"),
                                              ("en", "paysage")])  # fmt: skip
def test_sms_when_it_is_my_turn(tablet, live_server, mds_a, desk, open_now, screens_checked, langue, size):
    from accueil.borne.models import AlerteTicket
    from accueil.models import Passage
    from accueil.services import call_passage
    from notifications.models import Message

    t, s = T[langue], SMS[langue]
    page, _borne = start(tablet, live_server, mds_a, langue, size)

    def screen(name):
        page.wait_for_load_state()
        screens_checked(page, f"borne-ticket-sms-{langue}-{size}-{name}", langue)
        lower_two_thirds(page, name)

    tap(page, t["ticket"])
    page.wait_for_url(re.compile(r"/ticket/$"))
    tap(page, t["autre"])
    page.wait_for_url(re.compile(r"/ticket/numero/$"))
    screen("numero")
    tap(page, s["prevenez"])
    page.wait_for_url(re.compile(r"/ticket/sms/$"))
    screen("telephone")
    type_on_screen(page, t["tel"], "04 91 00 00 00")  # a landline: refused, said in the screen's language
    tap(page, s["recevoir"])
    page.locator('[aria-invalid="true"]').wait_for()
    assert page.evaluate("document.activeElement.tagName") in ("H1", "INPUT")
    page.get_by_label(t["tel"]).fill("")
    type_on_screen(page, t["tel"], "0612345678")
    tap(page, s["recevoir"])
    page.wait_for_url(re.compile(r"/ticket/sms/fait/$"))
    screen("fait")
    assert page.locator("[data-ticket]").inner_text() == "A-001"
    assert "0612345678" not in page.content() and "12 34" not in page.content()
    assert AlerteTicket.objects.get().langue == langue
    call_passage(passage=Passage.objects.get(), guichet="2")  # the desk calls the ticket
    assert not AlerteTicket.objects.exists() and Message.objects.get(kind="ticket_appele").language == langue
    tap(page, t["terminer"])
    page.wait_for_url(re.compile(r"/borne/$"))
    page.go_back()
    page.wait_for_load_state()
    assert not page.locator("[data-ticket]").count()
