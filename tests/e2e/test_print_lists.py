"""The lists print as lists: no menu, filters, buttons or action forms on paper, every column inside
the page width. Print emulation in Chromium at the width of an A4 page, screenshots looked at."""

import pytest

from accueil.services import register_arrival
from core.roles import Role
from mediation.enums import SensOrientation
from mediation.services import charger_referentiels, orienter
from tests.e2e.conftest import SCREENSHOTS
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

A4_WIDTH = 718  # 210 mm minus the default margins, in CSS pixels

PAGES = {
    "accompagnements": "/mediation/accompagnements/",
    "usagers": "/usagers/",
    "file": "/accueil/file/",
    "orientations": "/mediation/orientations/?onglet=recues",
}


@pytest.fixture
def busy_day(mds_a, make_user):
    charger_referentiels()
    mediateur = make_user(Role.MEDIATEUR, first_name="Marie-Christine", last_name="Delacroix-Fontaine")
    ts = make_user(Role.TRAVAILLEUR_SOCIAL, first_name="Théo")
    for i in range(4):
        usager = UsagerFactory(mds=mds_a, prenom=f"Jean-Baptiste{i}", nom="de La Rochefoucauld-Montmorency")
        log(mds_a, mediateur, usager=usager, items=[item(), item("ants_permis")])
        register_arrival(mds=mds_a, usager=usager, source="venu_directement")
        orienter(
            mds=mds_a,
            emetteur=ts,
            sens=SensOrientation.VERS_MEDIATION,
            usager=usager,
            note="Accompagner la création du compte en ligne, puis la déclaration trimestrielle.",
        )
    return mediateur


@pytest.mark.parametrize("name", PAGES)
def test_list_prints_without_controls_and_with_every_column(page, login, busy_day, name):
    login(page, busy_day)
    page.set_viewport_size({"width": A4_WIDTH, "height": 1000})
    page.goto(PAGES[name])
    page.get_by_role("heading", level=1).first.wait_for()
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"impression-{name}.png"), full_page=True)
    shown = page.evaluate(
        """() => {
          const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
          return {
            controls: [...document.querySelectorAll("form, button, input, select, textarea, .btn, nav, .pagination")]
              .filter(visible).map((el) => el.outerHTML.slice(0, 80)),
            tables: document.querySelectorAll("table").length,
            overflow: [...document.querySelectorAll("th, td, article")]
              .filter((el) => visible(el) && el.getBoundingClientRect().right > window.innerWidth + 1)
              .map((el) => el.textContent.trim().slice(0, 40)),
            scroll: [document.documentElement.scrollWidth, window.innerWidth],
          };
        }"""
    )
    assert shown["controls"] == [], shown["controls"]
    assert shown["overflow"] == [], shown["overflow"]
    assert shown["scroll"][0] <= shown["scroll"][1], shown["scroll"]
    assert page.get_by_text("de La Rochefoucauld-Montmorency").first.is_visible()
