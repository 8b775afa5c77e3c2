import io

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from pilotage import publications
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


@pytest.mark.parametrize("params", [{"export": "profil_genre", "format": "csv"}, {}])
def test_director_asking_for_another_mds_gets_a_message_and_their_own(client_for, directeur, mds_a, mds_b, params):
    response = client_for(directeur).get(reverse("pilotage:mds"), {"mds": mds_b.code, **params})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert mds_b.nom not in body
    if not params:
        assert "pas dans votre périmètre" in body and mds_a.nom in body
        assert response.context["perimetre"].mds == (mds_a,)


def test_month_before_the_first_activity_gives_the_default(client_for, directeur, mds_a, mediateur):
    log(mds_a, mediateur, date=timezone.localdate())
    response = client_for(directeur).get(reverse("pilotage:mds"), {"mois": "2021-03"})
    assert response.status_code == 200
    assert "les données commencent en" in response.content.decode()
    assert response.context["periode"].mois == timezone.localdate().replace(day=1)


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
        {"periode": "x" * 500, "mois": "2026-1O"},
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


def _last_month():
    return timezone.localdate().replace(day=1) - relativedelta(months=1)


def test_departement_has_one_row_per_mds_and_a_total(client_for, coordinateur, mds_a, mds_b):
    UsagerFactory.create_batch(3, mds=mds_a)
    response = client_for(coordinateur).get(reverse("pilotage:departement"), {"mois": f"{_last_month():%Y-%m}"})
    tableau = next(b["tableau"] for b in response.context["blocs"] if b["tableau"].cle == "profil_genre")
    labels = [row[0] for row in tableau.rangees()]
    assert labels == [mds_a.nom, mds_b.nom, "Total"]


def test_export_csv_and_xlsx_keep_masks(client_for, directeur, mds_a, mediateur):
    for usager in UsagerFactory.create_batch(3, mds=mds_a, genre="feminin"):
        log(mds_a, mediateur, usager=usager, date=_last_month())
    client = client_for(directeur)
    url = reverse("pilotage:mds")
    month = {"mois": f"{_last_month():%Y-%m}"}
    csv_response = client.get(url, {"export": "profil_genre", "format": "csv", **month})
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    # The MDS's total (3 distinct visitors) is a public key figure; every category cell is masked,
    # the zeros too (otherwise « Féminin » would be the total minus published zeros).
    rows = {line.split(";")[0]: line.split(";")[1:] for line in text.splitlines() if ";" in line}
    assert rows["Féminin"] == ["< 11"] and rows["Masculin"] == ["< 11"]
    assert rows["Total"] == ["3"]
    xlsx_response = client.get(url, {"export": "profil_genre", "format": "xlsx", **month})
    sheet = load_workbook(io.BytesIO(xlsx_response.content)).active
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert cells["Féminin"][0] == "< 11" and cells["Total"][0] == 3


def _profile(response, cle="profil_genre"):
    return next(b for b in response.context["blocs"] if b["tableau"].cle == cle)


@pytest.mark.parametrize(
    ("periode", "mois", "publie"),
    [
        ("mois", 0, False),  # the month in progress
        ("mois", 1, True),
        ("trimestre", 0, False),  # the quarter in progress
        ("12mois", 1, False),  # a rolling window (unless it ends in December)
    ],
)
def test_people_tables_only_for_closed_calendar_windows(
    client_for, coordinateur, mds_a, mds_b, mediateur, periode, mois, publie
):
    """Consecutive rolling windows (or two readings of a month in progress) could be differenced:
    the people tables say why they are not published and link to the nearest published period."""
    today = timezone.localdate()
    if periode == "12mois" and today.month == 1:
        pytest.skip("in January the 12 months ending last month are a calendar year")
    for usager in UsagerFactory.create_batch(3, mds=mds_a, genre="feminin"):
        log(mds_a, mediateur, usager=usager, date=_last_month())
    month = today.replace(day=1) - relativedelta(months=mois)
    client = client_for(coordinateur)
    params = {"periode": periode, "mois": f"{month:%Y-%m}"}
    response = client.get(reverse("pilotage:departement"), params)
    bloc = _profile(response)
    assert bool(bloc["tableau"].non_publie) is not publie
    body = response.content.decode()
    if publie:
        assert bloc["tableau"].rangees() and "pilotage-non-publie" not in body
        return
    assert bloc["tableau"].rangees() == [] and "Profil des usagers" in bloc["tableau"].non_publie
    suggestion = bloc["tableau"].suggestion
    assert suggestion.type == periode and publications.refus(suggestion) is None
    if periode == "12mois":
        assert suggestion.mois.month == 12 and suggestion.mois < today.replace(day=1)
    assert f'href="?{bloc["lien_publie"]}"' in body.replace("&amp;", "&")
    export = client.get(reverse("pilotage:departement"), {**params, "export": "profil_genre"})
    rows = [line for line in export.content.decode("utf-8-sig").splitlines() if ";" in line]
    assert len(rows) == 1  # the header only: not one cell


def test_unknown_export_is_404(client_for, directeur):
    response = client_for(directeur).get(reverse("pilotage:mds"), {"export": "nope", "format": "csv"})
    assert response.status_code == 404


def test_freshness_covers_every_source_of_the_scope(client_for, directeur, mds_a, mds_b, mediateur):
    """« Données à jour au … » says, source by source, the last entry of the director's MDS —
    never one of another MDS."""
    from accueil.enums import SourcePassage
    from accueil.models import Passage
    from core.dates import PARIS

    log(mds_a, mediateur, date=_last_month())
    arrival = timezone.now().astimezone(PARIS).replace(hour=9, minute=5, second=0, microsecond=0)
    common = {"source": SourcePassage.choices[0][0], "jour": arrival.date()}
    Passage.objects.create(mds=mds_a, numero=1, arrivee_le=arrival, sorti_le=arrival.replace(minute=40), **common)
    Passage.objects.create(mds=mds_b, numero=1, arrivee_le=arrival.replace(hour=11), **common)
    response = client_for(directeur).get(reverse("pilotage:mds"))
    sources = {s.cle: s for s in response.context["sources"]}
    assert set(sources) == {"journal", "rendez_vous", "passages", "ateliers", "sms"}
    assert sources["passages"].derniere == arrival.replace(minute=40)  # the exit, not mds_b's arrival at 11 h
    assert sources["journal"].derniere is not None
    assert sources["rendez_vous"].derniere is None and sources["rendez_vous"].texte == "aucune entrée"
    body = response.content.decode()
    assert "Données à jour au" in body
    assert "Arrivées à l'accueil (dernière arrivée ou sortie de la file) : " in body.replace("&#x27;", "'")
    assert " à 9 h 40" in body


def test_mediator_freshness_only_follows_their_own_entries(client_for, mds_a, mediateur, make_user):
    other = make_user(Role.MEDIATEUR, mds=mds_a)
    log(mds_a, other, date=_last_month())
    response = client_for(mediateur).get(reverse("pilotage:mon_activite"))
    sources = {s.cle: s for s in response.context["sources"]}
    assert set(sources) == {"journal", "ateliers"}  # what their page shows
    assert sources["journal"].derniere is None  # a colleague's entry is not theirs


def test_departement_opens_with_the_key_figures_of_each_mds(client_for, coordinateur, mds_a, mds_b, mediateur):
    for usager in UsagerFactory.create_batch(2, mds=mds_a):
        log(mds_a, mediateur, usager=usager, date=_last_month())
    log(mds_a, mediateur, date=_last_month())  # anonymous: an accompaniment, not a visitor
    client = client_for(coordinateur)
    params = {"mois": f"{_last_month():%Y-%m}"}
    response = client.get(reverse("pilotage:departement"), params)
    first = response.context["sections"][0]
    assert first["ancre"] == "par-mds" and [b["tableau"].cle for b in first["blocs"]] == ["par_mds"]
    synthese = first["blocs"][0]["tableau"]
    assert synthese.colonnes[:2] == ["Accompagnements", "Usagers distincts"]
    rows = {row[0]: row[1:] for row in synthese.rangees()}
    assert rows[mds_a.nom][:3] == [3, 2, 3] and rows[mds_b.nom][:2] == [0, 0] and rows["Total"][:2] == [3, 2]
    export = client.get(reverse("pilotage:departement"), {**params, "export": "par_mds", "format": "csv"})
    assert export.status_code == 200 and f"{mds_a.nom};3;2;3" in export.content.decode("utf-8-sig")
    selection = client.get(reverse("pilotage:departement"), {**params, "mds": [mds_a.code, mds_b.code]})
    assert selection.context["sections"][0]["ancre"] == "par-mds"  # a selection of MDS too


def test_director_page_has_no_per_mds_table(client_for, directeur, mds_a):
    response = client_for(directeur).get(reverse("pilotage:mds"))
    assert all(b["tableau"].cle != "par_mds" for b in response.context["blocs"])
    assert client_for(directeur).get(reverse("pilotage:mds"), {"export": "par_mds"}).status_code == 404


def test_trend_from_zero_is_written_with_a_decimal_comma():
    from pilotage.selectors import ChiffreCle

    assert ChiffreCle("heures", "Heures", 228.3, 0, "h").evolution == "+228,3"
    assert ChiffreCle("heures", "Heures", 12, 10, "h").evolution == "+20 %"


def test_a_people_table_without_a_decision_publishes_nothing():
    """No per-table fallback: a people table is cut from the period's decision or not published."""
    import datetime as dt

    from pilotage import indicators
    from pilotage.periode import Perimetre, Periode
    from pilotage.tableaux import construire

    genre = next(i for i in indicators.INDICATEURS if i.cle == "profil_genre")
    rolling = Periode("12mois", dt.date(2026, 10, 1))
    assert publications.decisions(rolling) == {}  # never decided for a rolling window
    tableau = construire(genre, rolling, Perimetre(), {}, None)
    assert tableau.non_publie and tableau.rangees() == [] and tableau.serie_graphique == []
