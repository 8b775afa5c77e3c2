import pytest
from django.urls import reverse

from core.roles import Role

from .test_indicators import world  # noqa: F401 — the hand-counted fixture

pytestmark = pytest.mark.django_db
OCTOBER = {"periode": "mois", "mois": "2026-10"}


def test_old_coop_links_redirect_to_the_interop_export(world, client_for, make_user):  # noqa: F811
    # The Coop export moved to the interop app (tests/interop/test_exports.py); ?coop=1 still works.
    directeur = make_user(Role.DIRECTEUR, mds=world["mds_a"])
    response = client_for(directeur).get(reverse("pilotage:mds"), {**OCTOBER, "coop": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('interop:export_coop_csv')}?du=2026-10-01&au=2026-10-31&mds=AAA"
    page = client_for(directeur).get(reverse("pilotage:mds"), OCTOBER)
    assert page.context["coop_xlsx_url"].startswith(reverse("interop:export_coop_xlsx"))


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

    # Each measure follows a first view: the stored figures of the closed month (visitor figures,
    # secrecy decisions keyed by the active MDS) are computed at the first view, read afterwards.
    client.get(reverse("pilotage:departement"), OCTOBER)
    with CaptureQueriesContext(connection) as before:
        client.get(reverse("pilotage:departement"), OCTOBER)
    MDSFactory.create_batch(10)
    client.get(reverse("pilotage:departement"), OCTOBER)
    with CaptureQueriesContext(connection) as after:
        client.get(reverse("pilotage:departement"), OCTOBER)
    assert len(after) == len(before)
