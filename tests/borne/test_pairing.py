import io
import re
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accueil.borne import credentials, services
from accueil.borne.codes import ALPHABET, PAIRING_CODE_LENGTH
from accueil.borne.models import Borne
from core.roles import Role
from tests.borne.factories import cookie_value

pytestmark = pytest.mark.django_db


def pair(client, code):
    return client.post(reverse("borne:appairer"), {"code": code})


def test_creer_borne_command_prints_a_working_one_time_link(mds_a, client):
    out = io.StringIO()
    call_command("creer_borne", "--mds", mds_a.code, "--nom", "Entrée", stdout=out)
    link = re.search(r"Lien d'appairage : (\S+)", out.getvalue()).group(1)
    code = link.split("code=")[1]
    assert len(code) == PAIRING_CODE_LENGTH and set(code) <= set(ALPHABET)
    borne = Borne.objects.get(mds=mds_a, nom="Entrée")
    assert code not in (borne.code_appairage_hash, borne.identifiant_hash)  # only hashes are stored

    page = client.get(link.split("8000", 1)[-1])
    assert page.status_code == 200 and code in page.content.decode()  # GET only shows the form
    borne.refresh_from_db()
    assert borne.identifiant_hash == ""

    response = pair(client, code)
    assert response.status_code == 302 and response["Location"] == reverse("borne:accueil")
    cookie = response.cookies[credentials.cookie_name()]
    assert cookie["httponly"] and cookie["max-age"] >= 365 * 24 * 3600
    borne.refresh_from_db()
    assert borne.identifiant_hash and borne.appairee_le and borne.code_appairage_hash == ""
    secret = cookie.value.split(":")[1]
    assert secret not in borne.identifiant_hash

    home = client.get(reverse("borne:accueil"))
    assert home.status_code == 200 and mds_a.nom in home.content.decode()

    # The code is single-use.
    again = pair(type(client)(), code)
    assert again.status_code == 200 and "pas valable" in again.content.decode()


def test_pairing_code_expires_after_24_hours(mds_a, client):
    borne, code = services.creer_borne(mds=mds_a, nom="Borne")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = pair(client, code)
    assert response.status_code == 200
    borne.refresh_from_db()
    assert borne.identifiant_hash == ""


def test_pairing_logs_out_a_staff_member(mds_a, make_user, client_for):
    user = make_user(Role.ACCUEIL)
    client = client_for(user)
    borne, code = services.creer_borne(mds=mds_a, nom="Borne")
    pair(client, code)
    # The tablet is now a kiosk, never the staff member.
    assert client.get(reverse("core:home")).status_code == 403
    client.cookies.pop(credentials.cookie_name())
    assert client.get(reverse("core:home")).status_code == 302  # session was ended: login again


def test_revocation_ends_the_kiosk_immediately(kiosk, borne_a):
    assert kiosk.get(reverse("borne:accueil")).status_code == 200
    services.revoquer_borne(borne=borne_a)
    response = kiosk.get(reverse("borne:accueil"))
    assert response.status_code == 403
    assert "pas activée" in response.content.decode()


def test_forged_or_replaced_credentials_are_refused(client, borne_a, borne_b):
    # Borne B's id with borne A's secret, a tampered signature, and an old secret after re-pairing.
    client.cookies[credentials.cookie_name()] = cookie_value(borne_b, secret=borne_a.secret)
    assert client.get(reverse("borne:accueil")).status_code == 403
    client.cookies[credentials.cookie_name()] = cookie_value(borne_a) + "x"
    assert client.get(reverse("borne:accueil")).status_code == 403
    old = cookie_value(borne_a)
    code = services.nouveau_code_appairage(borne=borne_a)
    services.appairer(code=code, secret=credentials.new_secret())
    client.cookies[credentials.cookie_name()] = old
    assert client.get(reverse("borne:accueil")).status_code == 403


def test_pairing_is_rate_limited_per_ip(client, mds_a, settings):
    settings.BORNE_RATE_LIMITS = {"appairage_ip": "3/10m"}
    borne, code = services.creer_borne(mds=mds_a, nom="Borne")
    for _ in range(3):
        pair(client, "AAAAAAAAAA")
    response = pair(client, code)  # even the right code is refused once the limit is reached
    assert "Trop d" in response.content.decode()
    borne.refresh_from_db()
    assert borne.identifiant_hash == ""


# --- Director screens --------------------------------------------------------------------------


def test_director_creates_sees_code_once_and_revokes(directeur, client_for, mds_a):
    client = client_for(directeur)
    response = client.post(reverse("borne:gestion"), {"nom": "Hall"}, follow=True)
    borne = Borne.objects.get(mds=mds_a, nom="Hall")
    html = response.content.decode()
    assert "data-code-appairage" in html and "data:image/svg+xml" in html  # code and QR
    link = re.search(r"data-lien-appairage>([^<]+)<", html).group(1)
    assert "code=" in link
    assert (
        "data-code-appairage"
        not in client.get(reverse("borne:gestion_detail", kwargs={"pk": borne.pk})).content.decode()
    )

    confirm = client.get(reverse("borne:gestion_revoquer", kwargs={"pk": borne.pk}))
    assert confirm.status_code == 200
    borne.refresh_from_db()
    assert borne.active  # GET only asks for confirmation
    client.post(reverse("borne:gestion_revoquer", kwargs={"pk": borne.pk}))
    borne.refresh_from_db()
    assert not borne.active


def test_director_can_issue_a_new_code(directeur, client_for, borne_a):
    client = client_for(directeur)
    old_hash = borne_a.code_appairage_hash
    response = client.post(reverse("borne:gestion_code", kwargs={"pk": borne_a.pk}), follow=True)
    borne_a.refresh_from_db()
    assert borne_a.code_appairage_hash != old_hash
    assert "data-code-appairage" in response.content.decode()


@pytest.mark.parametrize("role", [Role.MEDIATEUR, Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.TUTEUR])
def test_other_roles_cannot_manage_devices(role, make_user, client_for, borne_a):
    client = client_for(make_user(role))
    assert client.get(reverse("borne:gestion")).status_code == 403
    assert client.post(reverse("borne:gestion_revoquer", kwargs={"pk": borne_a.pk})).status_code == 403
    borne_a.refresh_from_db()
    assert borne_a.active


def test_device_name_goes_through_the_text_guard(directeur, client_for):
    client = client_for(directeur)
    response = client.post(reverse("borne:gestion"), {"nom": "mot de passe: Azerty123!"})
    assert response.status_code == 200
    assert not Borne.objects.exists()
