import csv
import io

import pytest
from django.urls import reverse

from core.roles import Role
from pilotage.coop import COLONNES, autonomie_coop

from .test_indicators import world  # noqa: F401 — the hand-counted fixture

pytestmark = pytest.mark.django_db
OCTOBER = {"periode": "mois", "mois": "2026-10"}


def read(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_coop_export_columns_and_values(world, client_for, make_user):  # noqa: F811
    directeur = make_user(Role.DIRECTEUR, mds=world["mds_a"])
    response = client_for(directeur).get(reverse("pilotage:mds"), {**OCTOBER, "coop": 1})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = read(response)
    assert rows[0] == COLONNES == [
        "id_activite", "structure", "type", "date", "duree", "thematiques", "organismes", "autonomie", "lieu",
        "materiel", "structure_de_redirection", "nombre_participants",
    ]  # fmt: skip
    lines = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert len(lines) == 6  # 5 accompaniments + 1 atelier of MDS A in October (cancelled one excluded)
    assert {line["structure"] for line in lines} == {world["mds_a"].code}
    by_date = {line["date"]: line for line in lines}
    assert by_date["2026-10-02"]["type"] == "demarche"
    assert by_date["2026-10-02"]["autonomie"] == "entierement_accompagne"  # « avec »
    assert by_date["2026-10-15"]["autonomie"] == "autonome"
    assert by_date["2026-10-02"]["organismes"] == "caf"
    assert by_date["2026-10-10"]["type"] == "collectif" and by_date["2026-10-10"]["nombre_participants"] == "5"
    assert by_date["2026-10-10"]["thematiques"] == "email"
    assert by_date["2026-10-22"]["duree"] == "40"  # the corrected version
    assert {line["lieu"] for line in lines} <= {"lieu_activite", "domicile", "a_distance", "autre"}
    text = "\n".join(";".join(r) for r in rows)
    from usagers.models import Usager

    for usager in Usager.objects.all():  # anonymous: no name, no reference
        assert usager.reference not in text and (not usager.nom or usager.nom not in text)


def test_coop_autonomy_mapping_ties_go_to_more_accompanied():
    assert autonomie_coop(3, 3, 0) == "entierement_accompagne"
    assert autonomie_coop(0, 3, 3) == "partiellement_autonome"
    assert autonomie_coop(1, 0, 4) == "autonome"
    assert autonomie_coop(0, 0, 0) == ""


def test_mon_activite_shows_only_own_figures_and_no_bands(world, client_for, make_user):  # noqa: F811
    response = client_for(world["med_a"]).get(reverse("pilotage:mon_activite"), OCTOBER)
    assert response.status_code == 200
    figures = {c.cle: c.valeur for c in response.context["chiffres"]}
    assert figures["nb_accompagnements"] == 5
    keys = {b["tableau"].cle for b in response.context["blocs"]}
    assert not any(k.startswith("profil_") for k in keys) and "capacite" not in keys
    colleague = make_user(Role.MEDIATEUR, mds=world["mds_a"])
    response = client_for(colleague).get(reverse("pilotage:mon_activite"), OCTOBER)
    assert {c.cle: c.valeur for c in response.context["chiffres"]}["nb_accompagnements"] == 0
    for role in (Role.DIRECTEUR, Role.COORDINATEUR, Role.TRAVAILLEUR_SOCIAL):
        assert client_for(make_user(role)).get(reverse("pilotage:mon_activite")).status_code == 403


def test_no_staff_member_appears_on_director_or_departement_dashboards(world, client_for, make_user):  # noqa: F811
    med = world["med_a"]
    pages = [
        client_for(make_user(Role.DIRECTEUR, mds=world["mds_a"])).get(reverse("pilotage:mds"), OCTOBER),
        client_for(make_user(Role.COORDINATEUR, mds=None)).get(reverse("pilotage:departement"), OCTOBER),
    ]
    for page in pages:
        body = page.content.decode()
        assert med.last_name not in body and med.email not in body


@pytest.mark.parametrize("periode", ["mois", "12mois"])
@pytest.mark.parametrize(
    "url_name,role", [("pilotage:mds", Role.DIRECTEUR), ("pilotage:departement", Role.COORDINATEUR)]
)
def test_dashboard_query_count_is_bounded(
    world,  # noqa: F811
    client_for,
    make_user,
    django_assert_max_num_queries,
    url_name,
    role,
    periode,
):
    client = client_for(make_user(role, mds=world["mds_a"] if role == Role.DIRECTEUR else None))
    params = {**OCTOBER, "periode": periode}
    client.get(reverse(url_name), params)  # warm the session
    # One aggregate per indicator and key figure (×2 for the comparison), one query for every people
    # table of the period and its nested months and quarters, the read transaction (JIT off).
    with django_assert_max_num_queries(64):
        response = client.get(reverse(url_name), params)
    assert response.status_code == 200


def test_departement_query_count_does_not_grow_with_mds(world, client_for, make_user, django_assert_max_num_queries):  # noqa: F811
    from tests.factories import MDSFactory

    client = client_for(make_user(Role.COORDINATEUR, mds=None))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(reverse("pilotage:departement"), OCTOBER)
    MDSFactory.create_batch(10)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("pilotage:departement"), OCTOBER)
    assert len(after) == len(before)
