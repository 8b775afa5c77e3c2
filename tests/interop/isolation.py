from core.roles import Role
from interop.models import AbonnementCalendrier, AgendaExterne, ClientApi
from tests.factories import UserFactory


def cases(mds_b):
    mediateur_b = UserFactory(role=Role.MEDIATEUR, mds=mds_b)
    coordinateur = UserFactory(role=Role.COORDINATEUR, mds=mds_b)
    agenda = AgendaExterne.objects.create(mds=mds_b, mediateur=mediateur_b, url="https://agenda.example/b.ics")
    abonnement = AbonnementCalendrier.objects.create(user=mediateur_b, token_hash="b" * 64)
    client = ClientApi.objects.create(nom="Outil B", scopes=["activites"], cree_par=coordinateur, secret_hash="c" * 64)
    return {
        "interop:synchroniser_agenda": {"pk": agenda.pk},
        "interop:supprimer_agenda": {"pk": agenda.pk},
        "interop:revoquer_abonnement": {"pk": abonnement.pk},
        "interop:revoquer_client_api": {"pk": client.pk},
    }


EXEMPT = {
    "interop:flux_ics": "public by design: the secret in the URL is the credential (unknown or revoked → 404)",
}
