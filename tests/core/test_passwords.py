"""Argon2id with OWASP parameters; older hashes are upgraded at the next login."""

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client
from django.urls import reverse

from core.roles import Role

pytestmark = pytest.mark.django_db
PRODUCTION_HASHERS = [
    "core.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD = "une phrase de passe pour le test"


def test_production_settings_hash_with_argon2id_owasp_parameters(settings):
    from config.settings import base

    assert base.PASSWORD_HASHERS == PRODUCTION_HASHERS
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    encoded = make_password(PASSWORD)
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


@pytest.mark.parametrize(
    "old_hash",
    [
        lambda: make_password(PASSWORD, hasher="pbkdf2_sha256"),
        lambda: Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt()),  # Django's 100 MiB, p=8
    ],
    ids=["pbkdf2", "argon2-default-parameters"],
)
def test_older_hashes_are_upgraded_at_next_login(settings, make_user, old_hash):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    user = make_user(Role.MEDIATEUR)
    user.password = old_hash()
    user.save(update_fields=["password"])
    response = Client().post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)
