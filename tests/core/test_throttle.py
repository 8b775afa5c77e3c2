"""Throttling that stops guessing without locking an office out (core/throttle.py)."""

import datetime as dt

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from core import throttle
from core.roles import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db
OFFICE = "192.0.2.10"  # one NAT address for the whole MDS


@pytest.fixture(autouse=True)
def _fresh_counters(db):
    throttle.clear_all()
    yield
    throttle.clear_all()


def _login(client, email, password, ip=OFFICE):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client):
    return "_auth_user_id" in client.session


def test_an_office_colleague_logs_in_while_a_brute_force_runs_from_the_same_address(make_user):
    victim, colleague = make_user(Role.MEDIATEUR), make_user(Role.ACCUEIL)
    attacker = Client()
    for attempt in range(40):
        response = _login(attacker, victim.email, f"essai-{attempt}")
        assert response.status_code == 200
    assert throttle.MESSAGE in response.content.decode()
    # The targeted account is protected: even its right password is refused for now…
    assert not _logged_in(attacker) and not _logged_in(_client_after(_login, victim.email, TEST_PASSWORD))
    # …but the colleague at the next desk, same address, signs in at once.
    office = Client()
    response = _login(office, colleague.email, TEST_PASSWORD)
    assert response.status_code == 302 and _logged_in(office)


def _client_after(action, email, password):
    client = Client()
    action(client, email, password)
    return client


def test_the_lock_is_never_permanent(make_user):
    victim = make_user(Role.MEDIATEUR)
    for attempt in range(25):
        _login(Client(), victim.email, f"essai-{attempt}", ip=f"198.51.100.{attempt}")
    assert not _logged_in(_client_after(_login, victim.email, TEST_PASSWORD))  # 20 failures: account limit
    with time_machine.travel(dt.datetime.now(tz=dt.UTC) + dt.timedelta(minutes=31)):
        assert _logged_in(_client_after(_login, victim.email, TEST_PASSWORD))


def test_the_message_does_not_tell_whether_the_account_exists(make_user):
    real = make_user(Role.MEDIATEUR)
    bodies = {}
    for email in (real.email, "personne@test.mds13.fr"):
        client = Client()
        for attempt in range(6):
            response = _login(client, email, f"essai-{attempt}", ip="203.0.113.5")
        bodies[email] = list(response.context["form"].non_field_errors())
    assert bodies[real.email] == bodies["personne@test.mds13.fr"]
    assert bodies[real.email] == [throttle.MESSAGE]


def test_credential_stuffing_from_one_address_spares_known_colleagues(make_user):
    colleague = make_user(Role.MEDIATEUR)
    newcomer = make_user(Role.MEDIATEUR)
    desk = Client()
    assert _logged_in(_login_and_keep(desk, colleague.email))  # this browser knows the colleague
    device = desk.cookies[throttle.DEVICE_COOKIE].value
    desk.logout()  # (the test client forgets every cookie: give the device cookie back)
    desk.cookies[throttle.DEVICE_COOKIE] = device
    stuffer = Client()
    for n in range(12):  # one try per account, as a leaked list would
        _login(stuffer, f"fuite{n}@exemple.org", "motdepasse-fuite")
    # A new account from this address is refused, even with the right password (generic message)…
    other = Client()
    response = _login(other, newcomer.email, TEST_PASSWORD)
    assert not _logged_in(other) and list(response.context["form"].non_field_errors()) == [throttle.MESSAGE]
    # …the colleague on her usual browser signs in with her password.
    response = _login(desk, colleague.email, TEST_PASSWORD)
    assert response.status_code == 302 and _logged_in(desk)
    # From another address the newcomer is not affected.
    assert _logged_in(_client_after(lambda c, e, p: _login(c, e, p, ip="203.0.113.77"), newcomer.email, TEST_PASSWORD))


def _login_and_keep(client, email):
    _login(client, email, TEST_PASSWORD)
    return client


def test_wrong_totp_codes_cost_only_a_short_delay(mds_a):
    director = UserFactory(role=Role.DIRECTEUR, mds=mds_a)
    client = Client()
    assert _login(client, director.email, TEST_PASSWORD)["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert throttle.TOTP_MESSAGE in response.content.decode() and not _logged_in(client)
    later = dt.datetime.now(tz=dt.UTC) + dt.timedelta(seconds=throttle.TOTP_DELAY + 1)
    with time_machine.travel(later):
        code = pyotp.TOTP(TEST_TOTP_SECRET).at(later)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and _logged_in(client)


def test_counters_fall_back_to_postgresql_when_redis_does_not_answer(make_user, monkeypatch):
    """Same rules with the PostgreSQL counters (the real outage is in test_login_outage.py)."""
    monkeypatch.setattr(throttle, "_redis_down_until", float("inf"))
    victim, colleague = make_user(Role.MEDIATEUR), make_user(Role.ACCUEIL)
    for attempt in range(6):
        _login(Client(), victim.email, f"essai-{attempt}")
    assert not _logged_in(_client_after(_login, victim.email, TEST_PASSWORD))
    assert _logged_in(_client_after(_login, colleague.email, TEST_PASSWORD))
    from core.models import CompteurTentatives

    assert CompteurTentatives.objects.exists()
    assert not any("@" in key for key in CompteurTentatives.objects.values_list("cle", flat=True))
