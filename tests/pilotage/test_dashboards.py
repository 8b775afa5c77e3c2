import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from tests.mediation.factories import log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinateur(make_user):
    return make_user(Role.COORDINATEUR, mds=None)


def test_director_sees_own_mds(client_for, directeur, mds_a):
    response = client_for(directeur).get(reverse("pilotage:mds"))
    assert response.status_code == 200
    assert mds_a.nom in response.content.decode()


def test_director_asking_for_another_mds_gets_404(client_for, directeur, mds_b):
    response = client_for(directeur).get(reverse("pilotage:mds"), {"mds": mds_b.code})
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.COORDINATEUR])
def test_other_roles_cannot_open_the_director_dashboard(client_for, make_user, role):
    assert client_for(make_user(role)).get(reverse("pilotage:mds")).status_code == 403


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.DIRECTEUR, Role.TUTEUR])
def test_only_coordinateurs_open_the_departement_dashboard(client_for, make_user, role):
    assert client_for(make_user(role)).get(reverse("pilotage:departement")).status_code == 403


@pytest.mark.parametrize(
    "params",
    [
        {"periode": "semaine"},
        {"mois": "2026-13"},
        {"mois": "octobre"},
        {"mois": "2999-01"},
        {"mois": "1900-01"},
        {"periode": "trimestre", "mois": "2026-1"},
        {"periode": "x" * 500, "mois": "\x00"},
    ],
)
def test_invalid_period_gives_a_french_message_and_the_default(client_for, directeur, params):
    response = client_for(directeur).get(reverse("pilotage:mds"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Période invalide" in body
    assert response.context["periode"].type == "mois"


def test_unknown_mds_for_coordinateur_falls_back_to_departement(client_for, coordinateur, mds_a, mds_b):
    response = client_for(coordinateur).get(reverse("pilotage:departement"), {"mds": ["ZZZ"]})
    assert response.status_code == 200
    assert "existe pas" in response.content.decode()
    assert response.context["perimetre"].departement


def test_departement_has_one_row_per_mds_and_a_total(client_for, coordinateur, mds_a, mds_b):
    UsagerFactory.create_batch(3, mds=mds_a)
    response = client_for(coordinateur).get(reverse("pilotage:departement"))
    tableau = next(b["tableau"] for b in response.context["blocs"] if b["tableau"].cle == "profil_genre")
    labels = [row[0] for row in tableau.rangees()]
    assert labels == [mds_a.nom, mds_b.nom, "Total"]


def test_export_csv_and_xlsx_keep_masks(client_for, directeur, mds_a, mediateur):
    today = timezone.localdate()
    for usager in UsagerFactory.create_batch(3, mds=mds_a, genre="feminin"):
        log(mds_a, mediateur, usager=usager, date=today)
    client = client_for(directeur)
    url = reverse("pilotage:mds")
    csv_response = client.get(url, {"export": "profil_genre", "format": "csv"})
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    # The MDS's total (3 distinct visitors) is a public key figure; every category cell is masked,
    # the zeros too (otherwise « Féminin » would be the total minus published zeros).
    rows = {line.split(";")[0]: line.split(";")[1:] for line in text.splitlines() if ";" in line}
    assert rows["Féminin"] == ["< 11"] and rows["Masculin"] == ["< 11"]
    assert rows["Total"] == ["3"]
    xlsx_response = client.get(url, {"export": "profil_genre", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Féminin"][0] == "< 11" and cells["Total"][0] == 3


def test_unknown_export_is_404(client_for, directeur):
    response = client_for(directeur).get(reverse("pilotage:mds"), {"export": "nope", "format": "csv"})
    assert response.status_code == 404
