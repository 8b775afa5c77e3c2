"""The visitor picker on the desk's forms (« Nouveau rendez-vous », arrival): chosen by id within
the MDS, found by reference, first letters of a name or phone — with JavaScript (htmx, the picker's
results view) or without (the « Chercher » button re-renders the form, nothing saved)."""

from html import unescape

import pytest
from django.urls import reverse

from accueil.models import Passage, RendezVous
from core.roles import Role
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
NOUVEAU = reverse("accueil:rdv_nouveau")


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    return mds_a, MotifFactory(mds=mds_a)


@pytest.fixture
def amina(mds_a):
    return UsagerFactory(mds=mds_a, prenom="Amina", nom="Kaci", recherche="amina kaci", telephone="+33612345678")


def booking(motif, day, **extra):
    return {
        "motif": motif.pk,
        "date": day.isoformat(),
        "debut": at(day, 10).isoformat(),
        "prenom_ou_initiales": "",
        "telephone": "",
        "rappel": "aucun",
        "canal": "accueil",
        **extra,
    }


def test_search_without_javascript_keeps_the_form_and_books_nothing(desk, amina, make_user, client_for):
    mds, motif = desk
    UsagerFactory(mds=mds, prenom="Bruno", nom="Lefort", recherche="bruno lefort")
    client = client_for(make_user(Role.ACCUEIL))
    day = next_open_day()
    response = client.post(
        NOUVEAU, booking(motif, day, chercher_usager="usager", usager_q="kac", telephone="06 11 22 33 44")
    )
    html = unescape(response.content.decode())
    assert response.status_code == 200 and not RendezVous.objects.exists()
    assert f'id="choix-usager-{amina.pk}" value="{amina.pk}"' in html and "Lefort" not in html
    assert 'value="06 11 22 33 44"' in html and 'value="kac"' in html  # what was typed stays
    assert "invalid-feedback" not in html  # a search is not a failed submission
    # Then the visitor chosen among the results: booked for that record.
    assert client.post(NOUVEAU, booking(motif, day, usager=amina.pk)).status_code == 302
    assert RendezVous.objects.get().usager == amina


def test_a_visitor_of_another_mds_or_anonymized_is_refused(desk, mds_b, amina, make_user, client_for):
    _, motif = desk
    client = client_for(make_user(Role.ACCUEIL))
    day = next_open_day()
    for stranger in (UsagerFactory(mds=mds_b), UsagerFactory(mds=desk[0], anonymise_le="2026-01-01T00:00Z")):
        response = client.post(NOUVEAU, booking(motif, day, usager=stranger.pk))
        assert response.status_code == 200
        assert "Choisissez la fiche de la personne dans la liste proposée." in unescape(response.content.decode())
    assert not RendezVous.objects.exists()


def test_results_view_finds_by_reference_name_and_phone(desk, amina, make_user, client_for):
    client = client_for(make_user(Role.ACCUEIL))
    for typed in ("ami", "Kac", amina.reference[:6], "06 12 34 56 78"):
        found = client.get(reverse("usagers:choix"), {"name": "usager", "usager_q": typed}).context["found"]
        assert found == [amina], typed
    assert client.get(reverse("usagers:choix"), {"usager_q": "a"}).context["found"] == []


def test_arrival_with_a_visitor_chosen_in_the_picker(desk, amina, make_user, client_for):
    client = client_for(make_user(Role.ACCUEIL))
    searched = client.post(reverse("accueil:arrivee"), {"chercher_usager": "usager", "usager_q": "amina"})
    assert searched.status_code == 200 and not Passage.objects.exists()
    assert f'value="{amina.pk}"' in searched.content.decode()
    response = client.post(reverse("accueil:arrivee"), {"usager": amina.pk, "source": "venu_directement"})
    assert response.status_code == 302
    assert Passage.objects.get().usager == amina
