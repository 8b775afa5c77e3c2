"""Interop screens in a real browser: axe (WCAG 2.1 AA), keyboard, no third party."""

import pytest

from core.roles import Role
from interop.models import AgendaExterne

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinateur_creates_and_revokes_an_api_token(page, login, axe, make_user):
    login(page, make_user(Role.COORDINATEUR))
    page.goto("/interop/api/clients/")
    axe(page, "interop-clients-api-vide")
    page.get_by_label("Nom de l'outil ou du service qui interroge l'API").fill("Entrepôt du Département")
    page.get_by_role("button", name="Créer le jeton").focus()
    page.keyboard.press("Enter")
    token = page.get_by_label("Jeton", exact=True).input_value()
    assert ":" in token and len(token) > 60
    axe(page, "interop-clients-api-jeton")
    page.get_by_role("button", name="Révoquer le jeton de Entrepôt du Département").click()
    assert "Révoqué le" in page.locator("table").inner_text()
    assert page.third_party_requests == []


def test_mediator_subscribes_to_their_calendar(page, login, axe, make_user):
    login(page, make_user(Role.MEDIATEUR))
    page.goto("/")
    page.get_by_role("link", name="Mon compte").click()
    axe(page, "interop-mon-compte")
    page.get_by_role("button", name="Créer une nouvelle adresse").click()
    url = page.get_by_label("Adresse d'abonnement").input_value()
    assert "/interop/calendrier/" in url and url.endswith(".ics")
    axe(page, "interop-mon-compte-adresse")
    assert page.third_party_requests == []


def test_director_sees_external_agendas_and_the_warning(page, login, axe, make_user, mds_a):
    mediateur = make_user(Role.MEDIATEUR, mds=mds_a, first_name="Inès", last_name="Martin")
    AgendaExterne.objects.create(
        mds=mds_a, mediateur=mediateur, url="https://agenda.example/a.ics", erreur="Calendrier injoignable (URLError)."
    )
    login(page, make_user(Role.DIRECTEUR, mds=mds_a))
    page.goto("/")
    assert "Calendrier injoignable" in page.get_by_role("region", name="À vérifier").inner_text()
    axe(page, "interop-accueil-direction-alerte")
    page.get_by_role("region", name="À vérifier").get_by_role("link", name="agendas externes").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Agendas externes")
    axe(page, "interop-agendas-externes")
    page.get_by_role("button", name="Enregistrer").click()
    assert "Indiquez une adresse ICS" in page.get_by_role("alert").inner_text()
    axe(page, "interop-agendas-externes-erreur")
    assert page.third_party_requests == []
