"""The "service indisponible" page needs no database (the real outage is in test_postgres_outage.py)."""

import pytest
from django.test import RequestFactory

from core.errors import server_error
from core.outage import unavailable_response


def test_the_503_page_is_french_and_rendered_without_a_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        response = unavailable_response()
    body = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert 'lang="fr"' in body and "Service momentanément indisponible" in body
    assert "Traceback" not in body and "OperationalError" not in body
    assert "script-src 'none'" in response["Content-Security-Policy"]


def test_the_500_handler_answers_503_for_a_database_error():
    from django.db.utils import OperationalError

    try:
        raise OperationalError("connexion refusée")
    except OperationalError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503 and response["Retry-After"] == "30"


@pytest.mark.django_db
def test_a_view_that_loses_the_database_gets_the_503_page(client_for, mediateur, monkeypatch):
    """A database error raised while a view runs (the connection dropped mid-request)."""
    from django.db.backends.utils import CursorWrapper
    from django.db.utils import OperationalError

    client = client_for(mediateur)
    assert client.get("/usagers/").status_code == 200
    original = CursorWrapper.execute

    def fails_on_usager_queries(self, sql, params=None):
        if "usagers_usager" in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", fails_on_usager_queries)
    response = client.get("/usagers/")
    assert response.status_code == 503 and "Service momentanément indisponible" in response.content.decode()
