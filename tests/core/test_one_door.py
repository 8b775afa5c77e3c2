"""One door with MFA: a session of a role that requires MFA (or that may enter the admin) is let
through only after *this session* passed the TOTP step, whatever the URL."""

import uuid

import pyotp
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from core.roles import Role
from tests.auth_helpers import login_client
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db

MFA_ROLES = [Role.DIRECTEUR, Role.COORDINATEUR, Role.ADMIN]
# What a session that has not passed the TOTP step may still reach.
OPEN_TO_PENDING = {"account_logout", "healthz", "mfa_reauthenticate", "mfa_authenticate"}
CANDIDATES = ["1", "core", "x", str(uuid.UUID(int=1)), "2026-01-05", "AAA", "user", "a" * 24]


def _names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace if entry.namespace else namespace
            full_ns = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else ns
            yield from _names(entry, full_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), list(entry.pattern.regex.groupindex)


def every_url():
    """One concrete URL per named pattern of the whole project (admin and allauth included)."""
    urls = {}
    for name, params in _names():
        if name in urls:
            continue
        for candidate in CANDIDATES:
            try:
                urls[name] = reverse(name, kwargs=dict.fromkeys(params, candidate))
                break
            except NoReverseMatch:
                continue
        else:
            pytest.fail(f"Impossible de construire une URL pour {name}")
    return urls


def _password_only(user):
    return login_client(Client(), user, mfa=False)


@pytest.mark.parametrize("role", MFA_ROLES)
def test_every_url_sends_a_password_only_session_to_the_totp_step(mds_a, role):
    user = UserFactory(role=role, mds=mds_a, is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN)
    client = _password_only(user)
    step = reverse("mfa_reauthenticate")
    urls = every_url()
    assert any(name.startswith("admin:") for name in urls) and len(urls) > 100
    wrong = []
    for name, url in urls.items():
        if name in OPEN_TO_PENDING:
            continue
        for method, extra in (("get", {}), ("post", {}), ("get", {"HTTP_HX_REQUEST": "true"})):
            response = getattr(client, method)(url, **extra)
            if response.status_code != 302 or not response["Location"].startswith(step):
                wrong.append((name, method, response.status_code, response.get("Location")))
    assert not wrong, f"URL atteintes sans l'étape TOTP : {wrong}"


def test_the_totp_step_then_opens_the_pages_and_the_admin(mds_a):
    admin = UserFactory(role=Role.ADMIN, mds=mds_a, is_staff=True, is_superuser=True)
    client = _password_only(admin)
    response = client.get("/admin/core/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fadmin%2Fcore%2Fuser%2F"
    response = client.post(response["Location"], {"code": "000000"})
    assert client.get("/admin/core/user/").status_code == 302
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next=/admin/core/user/", {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/core/user/"
    assert client.get("/admin/core/user/").status_code == 200
    assert client.get(reverse("core:home")).status_code == 200


def test_mfa_roles_without_a_device_can_only_activate_totp(mds_a):
    user = UserFactory(role=Role.COORDINATEUR, mds=mds_a, with_totp=False)
    client = _password_only(user)
    for url in (reverse("core:home"), "/admin/", reverse("account_change_password"), reverse("mfa_reauthenticate")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp")), url
    # Activation itself is reachable (allauth first asks for the password again in this session).
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


@pytest.mark.parametrize("role", MFA_ROLES)
def test_admin_login_cannot_skip_the_totp_step(mds_a, role):
    user = UserFactory(role=role, mds=mds_a, is_staff=True, is_superuser=role == Role.ADMIN)
    client = Client()
    response = client.post("/admin/login/?next=/admin/core/user/", {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Fcore%2Fuser%2F"
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/core/user/").status_code == 302
    # Through the one door, the password alone stops at the TOTP stage: still no session.
    response = client.post(
        f"{reverse('account_login')}?next=/admin/core/user/", {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.get("/admin/core/user/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response["Location"] == "/admin/core/user/"
    assert client.get("/admin/").status_code == 200  # in, and only now


def test_admin_login_keeps_only_a_local_next(client):
    response = client.get("/admin/login/?next=https://ailleurs.example.org/")
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2F"


def test_a_staff_flag_on_a_desk_role_also_requires_mfa(mds_a):
    user = UserFactory(role=Role.MEDIATEUR, mds=mds_a, is_staff=True)
    response = _password_only(user).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("mfa_activate_totp"))
