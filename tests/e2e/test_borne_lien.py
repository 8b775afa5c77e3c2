"""The phone page of the signed link (slip QR code, reminder SMS) in a real browser: « Déplacer »
to another free slot, in the booking's language (fr/ar), touch, on a phone, the 1280×800 tablet and
the 1080×1920 portrait screen; axe on every state; « Ajouter à mon agenda » gives the new time."""

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from accueil.borne import services, tokens
from accueil.models import RendezVous
from core.dates import PARIS
from tests.borne.factories import BorneFactory
from tests.e2e import test_borne_v2 as v2

desk, open_now, _fresh_counters = v2.desk, v2.open_now, v2._fresh_counters  # rate limits reset (autouse)
SIZES = {"telephone": {"width": 390, "height": 844}, **v2.SIZES}
TEXTS = {
    "fr": {"deplacer": "Déplacer", "jour": "Quel nouveau jour ?", "fait": "Votre rendez-vous est déplacé."},
    "ar": {"deplacer": "تغيير الموعد", "jour": "يُرجى اختيار يوم جديد", "fait": "تم تغيير موعدك."},
}


@pytest.mark.parametrize(("langue", "size"), [("ar", "telephone"), ("fr", "paysage"), ("ar", "portrait")])
def test_move_the_appointment_from_the_phone_page(browser, live_server, mds_a, desk, open_now, axe, langue, size):
    t = TEXTS[langue]
    tomorrow = timezone.localdate() + timedelta(days=1)
    rdv, _code = services.reserver(
        borne=BorneFactory(mds=mds_a), motif=desk, debut=datetime.combine(tomorrow, time(10, 30), tzinfo=PARIS),
        prenom_ou_initiales="Samia", langue=langue,
    )  # fmt: skip
    context = browser.new_context(viewport=SIZES[size], has_touch=True, base_url=live_server.url)
    page = context.new_page()
    name = f"borne-lien-{langue}-{size}"
    try:
        page.goto(f"/borne/a/{tokens.jeton_annulation(rdv)}")
        assert page.locator("html").get_attribute("lang") == langue
        axe(page, f"{name}-1-page")
        page.locator("[data-deplacer]").tap()
        page.get_by_role("heading", level=1, name=t["jour"]).wait_for()
        assert "10:30" in page.locator("[data-actuel]").inner_text()
        axe(page, f"{name}-2-jour")
        page.locator(".borne-tuile-jour").nth(2).tap()  # today, tomorrow, then another day
        page.wait_for_url(re.compile(r"\?jour="))
        hours = page.locator(".borne-tuile-heure")
        assert hours.count() > 1
        axe(page, f"{name}-3-heure")
        heights = page.eval_on_selector_all(
            ".borne-tuile, .borne-bouton", "els => els.map(e => e.getBoundingClientRect().height)"
        )
        assert min(heights) >= 64
        chosen = hours.nth(1).inner_text().strip()[-5:]
        hours.nth(1).tap()
        page.get_by_role("heading", level=1, name=t["fait"]).wait_for()
        assert page.locator("[data-heure]").inner_text() == chosen
        axe(page, f"{name}-4-deplace")
        rdv.refresh_from_db()
        assert rdv.debut.astimezone(PARIS).strftime("%H:%M") == chosen and rdv.debut.astimezone(PARIS).date() > tomorrow
        with page.expect_download() as download:
            page.locator("[data-agenda]").tap()
        ics = Path(download.value.path()).read_text(encoding="utf-8")
        assert f"DTSTART:{rdv.debut.astimezone(UTC):%Y%m%dT%H%M%SZ}" in ics and "Samia" not in ics
        assert RendezVous.objects.count() == 1
    finally:
        context.close()
