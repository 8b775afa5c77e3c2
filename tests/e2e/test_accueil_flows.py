"""Reception in a real browser: live queue, agenda, booking form, waiting-room screen (axe clean)."""

import re

import pytest

from accueil.enums import CanalReservation, SourcePassage
from accueil.services import book_appointment, call_next, register_arrival
from core.roles import Role
from tests.accueil.factories import EcranFactory, MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.factories import UserFactory
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    mediators = make_mediators(mds_a, 2)
    motif = MotifFactory(mds=mds_a, libelle="Aide à une démarche en ligne")
    return mds_a, mediators, motif


def test_queue_updates_without_reload_and_is_accessible(page, login, axe, desk):
    mds, _, motif = desk
    user = UserFactory(role=Role.ACCUEIL, mds=mds)
    login(page, user)
    page.goto("/accueil/file/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("File d'attente")
    axe(page, "accueil-file-vide")
    marker = page.evaluate("window.__noReload = 1")
    assert marker == 1
    register_arrival(mds=mds, source=SourcePassage.VENU_DIRECTEMENT, prenom_ou_initiales="Zélie", motif=motif)
    page.get_by_text("Zélie").wait_for(timeout=15000)
    assert page.evaluate("window.__noReload") == 1  # same document: no reload
    # Register an arrival with the keyboard-operable form.
    page.get_by_label("Prénom ou initiales (facultatif)").fill("M. K.")
    page.get_by_label("Grossesse").check()
    page.get_by_role("button", name="Donner un ticket").click()
    page.get_by_text("Arrivée enregistrée : ticket A-002").wait_for()
    rows = page.locator("#file-contenu tbody tr")
    assert "M. K." in rows.first.inner_text()  # priority first
    axe(page, "accueil-file")
    page.get_by_label("Guichet").fill("Bureau 1")
    page.get_by_role("button", name="Appeler le suivant").click()
    page.get_by_text("Ticket A-002 appelé.").wait_for()
    assert page.third_party_requests == []


def test_agenda_and_booking_form_are_accessible(page, login, axe, desk):
    mds, (m1, _), motif = desk
    day = next_open_day()
    book_appointment(
        mds=mds,
        motif=motif,
        start=at(day, 9),
        mediateur=m1,
        usager=UsagerFactory(mds=mds),
        channel=CanalReservation.ACCUEIL,
    )
    user = UserFactory(role=Role.MEDIATEUR, mds=mds)
    login(page, user)
    page.goto(f"/accueil/agenda/?date={day:%Y-%m-%d}")
    axe(page, "accueil-agenda-jour")
    page.goto(f"/accueil/agenda/?date={day:%Y-%m-%d}&vue=semaine&mediateur={m1.pk}")
    axe(page, "accueil-agenda-semaine")
    page.goto("/accueil/rendez-vous/nouveau/")
    page.locator("#id_motif").select_option(str(motif.pk))
    page.locator("#id_date").fill(day.isoformat())
    page.get_by_role("button", name="Voir les créneaux").click()
    page.get_by_role("heading", name=re.compile("2. Créneau")).wait_for()
    axe(page, "accueil-rdv-nouveau")
    radio = page.get_by_label("10:00").first
    radio.focus()
    page.keyboard.press("Space")  # keyboard-operable slot picker
    assert radio.is_checked()
    page.get_by_label("Prénom ou initiales").fill("R. T.")
    page.get_by_role("button", name="Réserver ce créneau").click()
    page.get_by_text("Rendez-vous enregistré").wait_for()
    axe(page, "accueil-rdv-detail")
    assert page.third_party_requests == []


def test_waiting_room_screen_updates_and_is_accessible(page, axe, desk):
    mds, _, motif = desk
    usager = UsagerFactory(mds=mds, prenom="Gwladys", nom="Pétrarque")
    register_arrival(mds=mds, usager=usager, source=SourcePassage.VENU_DIRECTEMENT, motif=motif)
    register_arrival(mds=mds, prenom_ou_initiales="Anouk", source=SourcePassage.BORNE)
    screen = EcranFactory(mds=mds, son=True)
    page.goto(f"/accueil/ecran/{screen.token}/")
    axe(page, "accueil-ecran-vide")
    call_next(mds=mds, guichet="Bureau 4")
    page.locator(".ecran-ticket", has_text="A-001").wait_for(timeout=15000)
    assert "Bureau 4" in page.locator(".ecran-appel").inner_text()
    text = page.locator("body").inner_text()
    for secret in ("Gwladys", "Pétrarque", "Anouk", usager.reference, motif.libelle):
        assert secret not in text
    axe(page, "accueil-ecran")
    assert page.third_party_requests == []


def test_settings_page_is_accessible(page, login, axe, desk):
    mds, _, _ = desk
    EcranFactory(mds=mds)
    director = UserFactory(role=Role.DIRECTEUR, mds=mds)
    login(page, director)
    page.goto("/accueil/parametres/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Paramètres")
    axe(page, "accueil-parametres")
    page.locator("#motif form button[type=submit]").click()  # empty form: errors summarised
    page.locator("[data-error-summary]").first.wait_for()
    axe(page, "accueil-parametres-erreurs")
