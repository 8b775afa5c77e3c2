"""Team management by a director: pending invitations (resend, cancel), deactivate/reactivate,
change role within the roles a director may grant."""

import pytest
from django.core import mail
from django.urls import reverse

from core.roles import Role
from core.services import invite_staff

pytestmark = pytest.mark.django_db


def act(client, user, action, **data):
    return client.post(reverse("core:equipe_action", kwargs={"pk": user.pk, "action": action}), data)


def test_pending_invitation_resend_and_cancel(mds_a, make_user, client_for, django_capture_on_commit_callbacks):
    directeur = make_user(Role.DIRECTEUR)
    client = client_for(directeur)
    with django_capture_on_commit_callbacks(execute=True):
        invited = invite_staff(mds=mds_a, email="nina@example.org", first_name="Nina", last_name="N", role="mediateur")
    html = client.get(reverse("core:equipe")).content.decode()
    assert "Invitation en attente" in html and "Renvoyer l'invitation" in html
    with django_capture_on_commit_callbacks(execute=True):
        assert act(client, invited, "renvoyer").status_code == 302
    assert [m.to for m in mail.outbox] == [["nina@example.org"], ["nina@example.org"]]
    act(client, invited, "annuler")
    invited.refresh_from_db()
    assert not invited.is_active and not invited.memberships.exists()


def test_deactivate_reactivate_and_change_role(mds_a, mds_b, make_user, client_for):
    directeur = make_user(Role.DIRECTEUR)
    client = client_for(directeur)
    member = make_user(Role.MEDIATEUR, stagiaire=True)
    act(client, member, "desactiver")
    member.refresh_from_db()
    assert not member.is_active
    assert "Désactivé" in client.get(reverse("core:equipe")).content.decode()
    act(client, member, "reactiver")
    act(client, member, "role", role="tuteur")
    member.refresh_from_db()
    assert member.is_active and member.role == "tuteur" and not member.stagiaire
    # Not beyond what a director may grant, not themselves, not another MDS.
    response = act(client, member, "role", role="directeur")
    member.refresh_from_db()
    assert member.role == "tuteur"
    assert "Vous ne pouvez pas donner ce rôle." in client.get(response["Location"]).content.decode()
    act(client, directeur, "desactiver")
    directeur.refresh_from_db()
    assert directeur.is_active
    elsewhere = make_user(Role.MEDIATEUR, mds=mds_b)
    assert act(client, elsewhere, "desactiver").status_code == 404
    assert act(client_for(make_user(Role.MEDIATEUR)), member, "desactiver").status_code == 403
