import pytest
from django.core.cache import cache

from tests.borne.factories import BorneFactory, kiosk_client


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.delete_pattern("borne:*")
    yield


@pytest.fixture
def borne_a(mds_a):
    return BorneFactory(mds=mds_a, nom="Salle d'attente")


@pytest.fixture
def borne_b(mds_b):
    return BorneFactory(mds=mds_b, nom="Borne B")


@pytest.fixture
def kiosk(borne_a):
    return kiosk_client(borne_a)
