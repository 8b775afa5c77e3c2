"""Ateliers in a real browser: plan, register, waitlist, attendance with one tap (htmx), axe clean."""

import datetime as dt

import pytest
from django.utils import timezone

from ateliers import services
from ateliers.models import Inscription, Seance
from tests.ateliers.factories import AtelierFactory, SeanceFactory
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_calendar_session_and_registration_flow(page, login, axe, mds_a, mediateur):
    atelier = AtelierFactory(mds=mds_a, titre="Prendre en main un smartphone", capacite=2, minimum_participants=2)
    seance = SeanceFactory(atelier=atelier, debut=timezone.now() + dt.timedelta(days=1, hours=2), animateur=mediateur)
    usager = UsagerFactory(mds=mds_a, prenom="Awa", nom="Diallo")
    services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    services.signaler_seances_sous_minimum(now=seance.debut - dt.timedelta(hours=30))
    login(page, mediateur)

    page.goto("/ateliers/")
    assert page.get_by_role("heading", level=1).inner_text() == "Ateliers"
    assert page.get_by_text("Séances sous le minimum de participants").is_visible()
    axe(page, "ateliers-calendrier")

    page.get_by_role("link", name="Prendre en main un smartphone").first.click()
    page.wait_for_url(f"**/ateliers/seances/{seance.pk}/")
    axe(page, "ateliers-seance")
    # Register a new visitor, then an anonymous person (capacity 2: goes to the waitlist).
    page.get_by_text("Nouvel usager").click()
    page.get_by_label("Prénom ou initiale (facultatif)").fill("Awa")
    page.get_by_role("button", name="Créer et inscrire").click()
    assert page.get_by_text("Inscription enregistrée.").is_visible()
    page.get_by_text("Inscription anonyme").click()
    page.locator("#id_an_tranche").select_option("soixante_dix_plus")
    page.get_by_role("button", name="Inscrire 1 personne").click()
    assert page.get_by_text("liste d'attente", exact=False).first.is_visible()
    assert Inscription.objects.filter(seance=seance, statut="attente").count() == 1
    # Visitor search by keyboard: the GET form only carries the search box.
    page.get_by_label("Rechercher un usager (nom, prénom ou référence)").fill(usager.reference)
    page.keyboard.press("Enter")
    page.get_by_role("button", name=f"Inscrire {usager.display_name}").click()
    assert Inscription.objects.filter(seance=seance, usager=usager, statut="attente").exists()
    axe(page, "ateliers-seance-inscriptions")
    page.goto(f"/ateliers/seances/{seance.pk}/annuler/")
    axe(page, "ateliers-annuler")
    page.goto("/ateliers/seances/nouvelle/")
    axe(page, "ateliers-planifier")
    page.get_by_role("button", name="Planifier").click()
    assert page.locator("[data-error-summary]").is_visible()
    axe(page, "ateliers-planifier-erreurs")
    page.goto("/ateliers/catalogue/")
    axe(page, "ateliers-catalogue")
    assert page.third_party_requests == []


def test_attendance_one_tap_per_person(page, login, axe, mds_a, mediateur):
    seance = SeanceFactory(
        atelier__mds=mds_a, atelier__titre="Se connecter à ameli", debut=timezone.now() + dt.timedelta(hours=1)
    )
    rows = [services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk) for _ in range(3)]
    Seance.objects.filter(pk=seance.pk).update(debut=timezone.now() - dt.timedelta(minutes=10))
    login(page, mediateur)
    page.goto(f"/ateliers/seances/{seance.pk}/emargement/")
    axe(page, "ateliers-emargement")
    first = rows[0].usager.display_name
    button = page.get_by_role("button", name=f"Présent·e : {first}")
    button.click()
    page.wait_for_selector(f"#inscription-{rows[0].pk} button[aria-pressed='true']")
    assert Inscription.objects.get(pk=rows[0].pk).presence == "present"
    page.keyboard.press("Tab")  # the page stays keyboard-operable after the swap
    page.get_by_label("Nombre de personnes").fill("2")
    page.get_by_label("Tranche d'âge").select_option("soixante_dix_plus")
    page.get_by_role("button", name="Ajouter").click()
    assert page.get_by_text("Participants sans inscription (2)").is_visible()
    axe(page, "ateliers-emargement-rempli")
    page.goto(f"/ateliers/seances/{seance.pk}/emargement/imprimer/")
    axe(page, "ateliers-emargement-imprimer")
    assert page.third_party_requests == []
