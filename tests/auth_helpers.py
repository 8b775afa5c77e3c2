"""Test-only: give a ``force_login`` session the record allauth writes when a user passes the TOTP
step, so tests of MFA roles reach their pages. The middleware itself is unchanged: a session without
this record is redirected (see tests/core/test_one_door.py)."""

import time

from allauth.account.internal.flows.login import (
    _AUTHENTICATION_METHODS_USER_SESSION_KEY,
    AUTHENTICATION_METHODS_SESSION_KEY,
)
from allauth.mfa.models import Authenticator

from core.middleware import mfa_required_for


def mark_mfa_passed(client, user) -> None:
    """Record, in ``client``'s session, a password step then a TOTP step for ``user``."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": authenticator.pk if authenticator else None, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


def login_client(client, user, *, mfa: bool = True):
    """``force_login`` plus, for a user who needs MFA and has a TOTP device, the TOTP record."""
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if mfa and mfa_required_for(user) and Authenticator.objects.filter(user=user).exists():
        mark_mfa_passed(client, user)
    return client
