import pyotp
import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.models import User
from core.permissions import MATRIX, can
from core.roles import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_email_and_password_reaches_home(client, mediateur):
    response = client.post(reverse("account_login"), {"login": mediateur.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_wrong_password_gives_a_generic_french_message(client, mediateur):
    response = client.post(reverse("account_login"), {"login": mediateur.email, "password": "faux-mot-de-passe"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in body
    assert mediateur.email not in body.replace(f'value="{mediateur.email}"', "")


def test_repeated_failures_lock_the_account_temporarily(client, mediateur):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": mediateur.email, "password": "faux-mot-de-passe-1"})
    response = client.post(reverse("account_login"), {"login": mediateur.email, "password": TEST_PASSWORD})
    # Even the right password is refused while the rate limit holds; no session is opened.
    assert response.status_code in (200, 429)
    assert client.get(reverse("core:home")).status_code == 302


def test_no_public_signup(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "Pas d'inscription en ligne" in response.content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("password", ["court-2026", "password12345", "administrator"])
def test_password_policy_refuses_short_or_common_passwords(client_for, mediateur, password):
    response = client_for(mediateur).post(
        reverse("account_change_password"),
        {"oldpassword": TEST_PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200
    mediateur.refresh_from_db()
    assert mediateur.check_password(TEST_PASSWORD)


def test_long_passphrase_without_composition_rules_is_accepted(client_for, mediateur):
    new = "le soleil se leve sur la canebiere"
    response = client_for(mediateur).post(
        reverse("account_change_password"), {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new}
    )
    assert response.status_code == 302
    mediateur.refresh_from_db()
    assert mediateur.check_password(new)


@pytest.mark.parametrize("role", [Role.DIRECTEUR, Role.COORDINATEUR, Role.ADMIN])
def test_mfa_roles_without_totp_are_sent_to_mfa_setup(client_for, mds_a, role):
    user = UserFactory(role=role, mds=mds_a, with_totp=False)
    response = client_for(user).get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_activate_totp"))


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL])
def test_other_roles_are_not_forced_to_mfa(client_for, mds_a, role):
    user = UserFactory(role=role, mds=mds_a)
    assert client_for(user).get(reverse("core:home")).status_code == 200


def test_director_logs_in_with_password_then_totp_code(client, mds_a):
    director = UserFactory(role=Role.DIRECTEUR, mds=mds_a)
    response = client.post(reverse("account_login"), {"login": director.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("core:home")).status_code == 302  # not logged in yet
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert client.get(reverse("core:home")).status_code == 302
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TEST_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_director_invites_staff_who_sets_a_password(client_for, directeur, mds_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(directeur).post(
            reverse("core:equipe"),
            {"first_name": "Amina", "last_name": "Saïdi", "email": "Amina.Saidi@test.mds13.fr", "role": "mediateur"},
        )
    assert response.status_code == 302
    invited = User.objects.get(email="amina.saidi@test.mds13.fr")
    assert not invited.has_usable_password()
    assert list(invited.mds_list()) == [mds_a]
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/key/" in line)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    browser = Client()
    response = browser.get(path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else path
    new = "une phrase de passe assez longue"
    response = browser.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password(new)


def test_director_cannot_grant_director_role(client_for, directeur):
    response = client_for(directeur).post(
        reverse("core:equipe"),
        {"first_name": "X", "last_name": "Y", "email": "x.y@test.mds13.fr", "role": "directeur"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="x.y@test.mds13.fr").exists()


def test_mediator_cannot_reach_team_page(client_for, mediateur):
    assert client_for(mediateur).get(reverse("core:equipe")).status_code == 403


def test_permission_matrix_is_role_based():
    for perm, roles in MATRIX.items():
        for role in Role:
            user = User(role=role, is_active=True)
            assert can(user, perm) is (role in roles), (perm, role)
    with pytest.raises(KeyError):
        can(User(role=Role.ADMIN), "permission.inexistante")


def test_switch_mds_only_to_own_memberships(client_for, make_user, mds_a, mds_b):
    from tests.factories import MDSFactory

    mds_c = MDSFactory(code="CCC")
    user = make_user(Role.MEDIATEUR, mds=[mds_a, mds_b])
    client = client_for(user)
    assert client.post(reverse("core:switch_mds"), {"mds": mds_b.pk}).status_code == 302
    assert client.get(reverse("core:home")).context["current_mds"] == mds_b
    assert client.post(reverse("core:switch_mds"), {"mds": mds_c.pk}).status_code == 404
