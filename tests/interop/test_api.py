import base64
import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from core.roles import Role
from interop import services
from interop.api import decode_cursor, encode_cursor
from interop.models import AppelApi, ClientApi
from mediation import coop

from ..pilotage.test_indicators import world  # noqa: F401 — the hand-counted fixture

pytestmark = pytest.mark.django_db
URL = "/api/v1/activites"


@pytest.fixture
def coordinateur(make_user):
    return make_user(Role.COORDINATEUR)


@pytest.fixture
def token(coordinateur):
    _client, token = services.creer_client(nom="Outil du Département", scopes=["activites"], par=coordinateur)
    return token


def get(token=None, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(URL, params, **headers)


def test_feed_lists_every_logical_activity_in_coop_vocabulary(world, token):  # noqa: F811
    response = get(token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"data", "links", "meta"}
    data = body["data"]
    # 9 accompaniments (one cancelled, one corrected: each listed once) + 1 atelier session
    assert len(data) == body["meta"]["total_count"] == 9
    assert {item["type"] for item in data} == {"activite"}
    for item in data:
        assert coop.erreurs_activite(item["attributes"]) == [], item
    modifications = [item["attributes"]["modification"] for item in data]
    assert modifications == sorted(modifications, reverse=True)
    supprimees = [item for item in data if item["attributes"]["suppression"]]
    assert len(supprimees) == 1 and supprimees[0]["attributes"]["accompagnements"] == 0
    corrigee = next(i for i in data if i["attributes"]["date"] == "2026-10-22")
    assert corrigee["attributes"]["duree"] == 40
    assert corrigee["attributes"]["modification"] > corrigee["attributes"]["creation"]
    atelier = next(i for i in data if i["attributes"]["type"] == "collectif")
    assert atelier["attributes"]["accompagnements"] == 5 and atelier["attributes"]["autonomie"] is None
    prime = next(i for i in data if i["attributes"]["date"] == "2026-10-02")["attributes"]
    assert prime["thematiques"] == ["aide_aux_demarches_administratives", "argent_impots"]
    assert prime["precisions_demarche"] == "Prime d'activité" and prime["tags"] == ["caf"]
    assert prime["autonomie"] == "entierement_accompagne"
    assert AppelApi.objects.filter(statut=200, nombre=9).count() == 1


def test_beneficiary_bands_never_single_out_a_person(world, token):  # noqa: F811
    for item in get(token).json()["data"]:
        b = item["attributes"]["beneficiaires"]
        for bands in (b["genres"], b["tranches_age"], b["statuts"]):
            assert sum(bands.values()) == b["total"]
            assert {k for k, v in bands.items() if v} <= {"non_communique"}


def test_cursor_pagination_walks_every_item_once(world, token):  # noqa: F811
    seen, params, pages = [], {"page[size]": 4}, 0
    while True:
        body = get(token, **params).json()
        seen += [i["id"] for i in body["data"]]
        pages += 1
        if not body["meta"]["has_next_page"]:
            break
        after = body["links"]["next"]["href"].split("page%5Bafter%5D=")[1]
        params = {"page[size]": 4, "page[after]": after}
    assert pages == 3 and len(seen) == len(set(seen)) == 9


def test_incremental_pull_returns_corrections_and_deletions(world, token):  # noqa: F811
    from mediation.models import Accompagnement
    from mediation.services import annuler_accompagnement

    since = timezone.now()
    assert get(token, **{"filter[modification][depuis]": since.isoformat()}).json()["data"] == []
    acc = Accompagnement.objects.filter(date=dt.date(2026, 10, 15)).get()
    annuler_accompagnement(accompagnement=acc, by=world["med_a"])
    data = get(token, **{"filter[modification][depuis]": since.isoformat()}).json()["data"]
    assert len(data) == 1 and data[0]["attributes"]["suppression"] and data[0]["attributes"]["date"] == "2026-10-15"


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nope", "Bearer 6f1d7c52-3a0e-4c8e-9b7a-2d4f0e5a9c11:secret", "Basic abc:def"],
)
def test_unknown_token_is_401_json(db, header):
    response = Client().get(URL, HTTP_AUTHORIZATION=header) if header else Client().get(URL)
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json") and "error" in response.json()
    assert AppelApi.objects.filter(statut=401).count() == 1


def test_revoked_token_401_wrong_scope_403(world, coordinateur, token):  # noqa: F811
    client = ClientApi.objects.get()
    assert get(token).status_code == 200
    services.revoquer_client(client=client, par=coordinateur)
    assert get(token).status_code == 401
    other = ClientApi.objects.create(nom="Sans droit", scopes=[], cree_par=coordinateur, secret_hash="x")
    from interop.models import hash_secret

    ClientApi.objects.filter(pk=other.pk).update(secret_hash=hash_secret("s3cret"))
    response = get(f"{other.pk}:s3cret")
    assert response.status_code == 403 and "error" in response.json()


@pytest.mark.parametrize(
    "params",
    [
        {"page[after]": "!!!"},
        {"page[after]": encode_cursor(timezone.now(), 1)[:-3] + "xyz"},
        {"page[size]": "0"},
        {"page[size]": "501"},
        {"page[size]": "abc"},
        {"filter[modification][depuis]": "hier"},
        {"filter[creation][depuis]": "2026-13-45T99:00:00Z"},
        {"filter[creation][depuis]": "1700000000"},  # a Unix time is not RFC 3339
        {"filter[creation][depuis]": "2026-10-01"},
        {"page[after]": encode_cursor(timezone.now(), 0)},
    ],
)
def test_malformed_cursor_or_filter_is_400(db, token, params):
    response = get(token, **params)
    assert response.status_code == 400, response.content
    assert "error" in response.json()


def test_cursor_roundtrip():
    moment = timezone.now()
    assert decode_cursor(encode_cursor(moment, 42)) == (moment, 42)


def test_far_offsets_are_normalised_not_500(db, token):
    # Found by schemathesis: RFC 3339 allows offsets PostgreSQL refuses.
    response = get(token, **{"filter[creation][depuis]": "5927-10-10T19:25:03-22:38"})
    assert response.status_code == 200
    forged = base64.urlsafe_b64encode(b"0001-01-01T00:00:00+23:59|5").decode()
    assert get(token, **{"page[after]": forged}).status_code == 400


def test_rate_limited_per_client(db, token, settings):

    settings.INTEROP_API_RATE = "3/m"
    statuses = [get(token).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]


def test_openapi_document_is_served(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/activites" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/activites"]["get"]["parameters"]}
    assert params == {"page[size]", "page[after]", "filter[creation][depuis]", "filter[modification][depuis]"}
