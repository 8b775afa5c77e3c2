"""Redis down: staff still sign in, and guessing is still throttled (PostgreSQL counters)."""

import os

import pytest
from django.test import Client
from django.urls import reverse

from core import devservers, throttle
from core.roles import Role
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.redis_outage,
    pytest.mark.django_db,
    pytest.mark.skipif(bool(os.environ.get("REDIS_URL")), reason="Redis fourni de l'extérieur : pas d'arrêt possible"),
]


def _login(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR="192.0.2.20")


def test_login_works_and_is_throttled_while_redis_is_stopped(make_user):
    victim, colleague = make_user(Role.MEDIATEUR), make_user(Role.ACCUEIL)
    devservers.stop_redis()
    try:
        office = Client()
        assert _login(office, colleague.email, TEST_PASSWORD).status_code == 302
        assert "_auth_user_id" in office.session
        assert office.get(reverse("core:home")).status_code == 200
        for attempt in range(6):
            _login(Client(), victim.email, f"essai-{attempt}")
        refused = Client()
        response = _login(refused, victim.email, TEST_PASSWORD)
        assert list(response.context["form"].non_field_errors()) == [throttle.MESSAGE]
        assert "_auth_user_id" not in refused.session
    finally:
        devservers.redis_url()  # restart (same port, same data)
        throttle.clear_all()
