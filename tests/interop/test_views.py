import pytest
from django.urls import reverse

from core.roles import Role
from interop.models import AgendaExterne, ClientApi, hash_secret

pytestmark = pytest.mark.django_db


def test_coordinateur_issues_a_token_shown_once_and_hashed(make_user, client_for):
    coordinateur = make_user(Role.COORDINATEUR)
    client = client_for(coordinateur)
    response = client.post(reverse("interop:clients_api"), {"nom": "Entrepôt du Département", "scopes": ["activites"]})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    token = response.context["token"]
    client_id, secret = token.split(":")
    stored = ClientApi.objects.get()
    assert (
        str(stored.pk) == client_id and stored.secret_hash == hash_secret(secret) and secret not in stored.secret_hash
    )
    assert token in response.content.decode()
    listing = client.get(reverse("interop:clients_api"))
    assert secret not in listing.content.decode() and "Entrepôt du Département" in listing.content.decode()
    client.post(reverse("interop:revoquer_client_api", args=[stored.pk]))
    stored.refresh_from_db()
    assert stored.revoque_le is not None and stored.revoque_par == coordinateur


def test_bad_token_form_says_why_in_french(make_user, client_for):
    client = client_for(make_user(Role.COORDINATEUR))
    response = client.post(reverse("interop:clients_api"), {"nom": "", "scopes": []})
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    assert not ClientApi.objects.exists()


@pytest.mark.parametrize("role", [Role.DIRECTEUR, Role.MEDIATEUR, Role.TRAVAILLEUR_SOCIAL, Role.ACCUEIL])
def test_only_coordinateurs_manage_tokens(make_user, client_for, role):
    assert client_for(make_user(role)).get(reverse("interop:clients_api")).status_code == 403


def test_director_adds_an_external_agenda_from_a_file_for_their_mds_only(mds_a, mds_b, make_user, client_for):
    directeur = make_user(Role.DIRECTEUR, mds=mds_a)
    mediateur = make_user(Role.MEDIATEUR, mds=mds_a)
    other = make_user(Role.MEDIATEUR, mds=mds_b)
    client = client_for(directeur)
    from django.core.files.uploadedfile import SimpleUploadedFile

    ics = SimpleUploadedFile("a.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "text/calendar")
    response = client.post(reverse("interop:agendas_externes"), {"mediateur": mediateur.pk, "fichier": ics})
    assert response.status_code == 302
    agenda = AgendaExterne.objects.get()
    assert agenda.mds == mds_a and agenda.contenu.startswith("BEGIN:VCALENDAR")
    response = client.post(
        reverse("interop:agendas_externes"), {"mediateur": other.pk, "url": "https://x.example/a.ics"}
    )
    assert response.status_code == 200 and AgendaExterne.objects.count() == 1  # not a member of MDS A
    foreign = AgendaExterne.objects.create(mds=mds_b, mediateur=other, url="https://x.example/b.ics")
    assert client.post(reverse("interop:supprimer_agenda", args=[foreign.pk])).status_code == 404
    assert client_for(mediateur).get(reverse("interop:agendas_externes")).status_code == 403


def test_mon_compte_link_in_the_header(mediateur, client_for):
    page = client_for(mediateur).get(reverse("interop:mon_compte")).content.decode()
    assert reverse("account_change_password") in page and reverse("interop:creer_abonnement") in page
