import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_healthz_is_liveness_only(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_ready_503_when_redis_is_unreachable(client):
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["redis"] == "erreur"


def test_ready_503_when_postgres_is_unreachable(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("connexion refusée")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["postgresql"] == "erreur" and body["worker"] == {"status": "inconnu"}


def test_404_is_a_french_page_that_leaks_nothing(client_for, mediateur):
    response = client_for(mediateur).get("/usagers/999999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page introuvable" in body and 'lang="fr"' in body
    assert "Traceback" not in body and "Usager" not in body


def test_500_is_a_french_page(client, settings):
    from django.test import RequestFactory

    from core.errors import server_error

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Erreur du service" in response.content.decode()


def test_security_headers_and_no_third_party_sources(client):
    response = client.get(reverse("account_login"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "http" not in csp
    assert response["X-Frame-Options"] == "DENY"
    body = response.content.decode()
    assert "https://" not in body and "http://" not in body.replace("http://testserver", "")


def test_staff_pages_stay_french_whatever_the_browser_language(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    body = response.content.decode()
    assert 'lang="fr"' in body and "Mot de passe" in body and "Password" not in body
