"""Accompaniments can be found again, corrected in full, attached to a visitor, followed up."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
LISTE = reverse("mediation:liste")


def test_mes_accompagnements_filters_and_paginates(mds_a, mediateur, make_user, client_for):
    other = make_user(Role.MEDIATEUR)
    amina = UsagerFactory(mds=mds_a, prenom="Amina", nom="Kaci", recherche="amina kaci")
    for day in range(1, 31):
        log(mds_a, mediateur, usager=amina if day % 3 == 0 else None, date=dt.date(2026, 3, day))
    log(mds_a, other, usager=amina, date=dt.date(2026, 3, 5))
    client = client_for(mediateur)
    page = client.get(LISTE)
    assert page.status_code == 200 and "30 accompagnements" in page.content.decode()
    assert len(page.context["page"].object_list) == 25
    assert "10 accompagnements" in client.get(LISTE, {"q": "ami"}).content.decode()
    html = client.get(LISTE, {"du": "2026-03-10", "au": "2026-03-19"}).content.decode()
    assert "10 accompagnements" in html
    assert "20 accompagnements" in client.get(LISTE, {"anonymes": "on"}).content.decode()
    # Hostile dates are ignored, not a 500; the date inputs keep ISO values.
    response = client.get(LISTE, {"du": "31/02/2026", "au": "2026-03-19"})
    assert response.status_code == 200 and 'value="2026-03-19"' in response.content.decode()
    # A mediator never sees another's in « mes accompagnements »; a tutor may see the whole MDS.
    assert client.get(LISTE, {"tous": "on"}).context["tous"] is False
    tuteur = make_user(Role.TUTEUR)
    assert "31 accompagnements" in client_for(tuteur).get(LISTE, {"tous": "on"}).content.decode()
    directeur = make_user(Role.DIRECTEUR)
    response = client_for(directeur).get(LISTE)
    assert "31 accompagnements" in response.content.decode() and "Corriger" not in response.content.decode()
    assert client_for(make_user(Role.ACCUEIL)).get(LISTE).status_code == 403


def test_list_query_count_is_constant(mds_a, mediateur, client_for):
    client = client_for(mediateur)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LISTE).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        log(mds_a, mediateur, usager=UsagerFactory(mds=mds_a), items=[item(), item("impots_declaration")])
    small = count()
    for _ in range(10):
        log(mds_a, mediateur, usager=UsagerFactory(mds=mds_a), items=[item(), item("impots_declaration")])
    assert count() == small
