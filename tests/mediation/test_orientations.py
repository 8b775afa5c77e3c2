"""Hand-offs both ways, inboxes, statuses, partner directory."""

import pytest
from django.urls import reverse

from core.roles import Role
from mediation.enums import SensOrientation, StatutOrientation
from mediation.models import Orientation, Partenaire
from mediation.services import changer_statut_orientation, orienter
from tests.mediation.factories import PartenaireFactory
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


def test_social_worker_refers_a_visitor_to_the_desk(mds_a, make_user, client_for, mediateur):
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    usager = UsagerFactory(mds=mds_a)
    response = client_for(ts).post(
        reverse("mediation:orientation_nouvelle"),
        {
            "sens": "vers_mediation",
            "usager": usager.pk,
            "note": "Aide pour la déclaration de revenus",
            "creneau_souhaite": "2026-03-12T14:00",
        },
    )
    assert response.status_code == 302
    orientation = Orientation.objects.get()
    assert orientation.emetteur == ts and orientation.statut == StatutOrientation.ENVOYEE
    assert orientation.creneau_souhaite is not None
    inbox = client_for(mediateur).get(reverse("mediation:orientations"))
    html = inbox.content.decode()
    assert "Aide pour la déclaration de revenus" in html
    assert f"?source=oriente_professionnel&amp;usager={usager.pk}" in html
    # The mediator accepts then handles it; the sender sees the answer.
    client = client_for(mediateur)
    client.post(reverse("mediation:orientation_statut", kwargs={"pk": orientation.pk, "statut": "acceptee"}))
    client.post(
        reverse("mediation:orientation_statut", kwargs={"pk": orientation.pk, "statut": "traitee"}),
        {"reponse": "Déclaration faite ensemble"},
    )
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.TRAITEE and orientation.destinataire == mediateur
    sent = client_for(ts).get(reverse("mediation:orientations") + "?onglet=envoyees").content.decode()
    assert "Déclaration faite ensemble" in sent


def test_inbox_only_shows_what_is_addressed_to_me_or_my_team(mds_a, make_user, client_for, mediateur):
    ts1, ts2 = make_user(Role.TRAVAILLEUR_SOCIAL), make_user(Role.TRAVAILLEUR_SOCIAL)
    orienter(mds=mds_a, emetteur=mediateur, sens="vers_travailleur_social", destinataire=ts1, note="pour ts1")
    orienter(mds=mds_a, emetteur=mediateur, sens="vers_travailleur_social", note="pour l'équipe")
    html1 = client_for(ts1).get(reverse("mediation:orientations")).content.decode()
    html2 = client_for(ts2).get(reverse("mediation:orientations")).content.decode()
    assert "pour ts1" in html1 and "pour l&#x27;équipe" in html1
    assert "pour ts1" not in html2 and "pour l&#x27;équipe" in html2
    # The desk does not see hand-offs to social workers in its inbox.
    assert "pour ts1" not in client_for(mediateur).get(reverse("mediation:orientations")).content.decode()


def test_status_transitions_are_enforced(mds_a, mediateur, make_user, client_for):
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    o = orienter(mds=mds_a, emetteur=mediateur, sens="vers_travailleur_social", destinataire=ts)
    changer_statut_orientation(orientation=o, by=ts, statut="close")
    with pytest.raises(Exception, match="pas possible"):
        changer_statut_orientation(orientation=o, by=ts, statut="acceptee")
    # A stranger (other social worker, not addressed) cannot change it: 404.
    other = make_user(Role.TRAVAILLEUR_SOCIAL)
    o2 = orienter(mds=mds_a, emetteur=mediateur, sens="vers_travailleur_social", destinataire=ts)
    url = reverse("mediation:orientation_statut", kwargs={"pk": o2.pk, "statut": "acceptee"})
    assert client_for(other).post(url).status_code == 404
    # The sender may only close.
    assert client_for(mediateur).post(url).status_code == 404
    close = reverse("mediation:orientation_statut", kwargs={"pk": o2.pk, "statut": "close"})
    assert client_for(mediateur).post(close).status_code == 302
    o2.refresh_from_db()
    assert o2.statut == "close"


def test_hand_off_to_a_partner_and_directory(mds_a, mds_b, mediateur, client_for):
    client = client_for(mediateur)
    response = client.post(
        reverse("mediation:partenaire_ajouter"),
        {"nom": "Centre social Frais Vallon", "adresse": "Rue X", "permanences": "Mardi 9 h - 12 h", "actif": "on"},
    )
    assert response.status_code == 302
    partenaire = Partenaire.objects.get()
    assert partenaire.mds == mds_a
    PartenaireFactory(mds=mds_b, nom="Ailleurs")
    html = client.get(reverse("mediation:partenaires")).content.decode()
    assert "Frais Vallon" in html and "Ailleurs" not in html
    # A partner of another MDS cannot be chosen.
    foreign = Partenaire.objects.get(nom="Ailleurs")
    response = client.post(
        reverse("mediation:orientation_nouvelle"), {"sens": "vers_partenaire", "partenaire": foreign.pk}
    )
    assert response.status_code == 200 and not Orientation.objects.exists()
    client.post(reverse("mediation:orientation_nouvelle"), {"sens": "vers_partenaire", "partenaire": partenaire.pk})
    assert Orientation.objects.get().sens == SensOrientation.VERS_PARTENAIRE


def test_orientation_note_goes_through_the_secret_guard(mds_a, make_user, client_for):
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    response = client_for(ts).post(
        reverse("mediation:orientation_nouvelle"), {"sens": "vers_mediation", "note": "son mdp ameli est Toto123"}
    )
    assert response.status_code == 200
    assert "Ne notez jamais un mot de passe" in response.content.decode()
    assert not Orientation.objects.exists()
