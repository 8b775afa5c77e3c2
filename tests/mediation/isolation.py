"""Cross-MDS walker cases (tests/test_isolation.py): objects of MDS B seen from MDS A."""

from core.roles import Role
from mediation.models import Revue
from mediation.services import orienter
from tests.factories import UserFactory
from tests.mediation.factories import PartenaireFactory, item, log
from tests.usagers.factories import UsagerFactory

EXEMPT = {
    "mediation:bloc": "référentiel commun à toutes les MDS (démarche), aucune donnée d'une MDS",
}


def cases(mds_b):
    tuteur = UserFactory(role=Role.TUTEUR, mds=mds_b)
    stagiaire = UserFactory(role=Role.MEDIATEUR, mds=mds_b, stagiaire=True, tuteur=tuteur)
    usager = UsagerFactory(mds=mds_b, canal_contact="sms", telephone="+33612345678")
    acc = log(mds_b, stagiaire, usager=usager, items=[item(postures={"saisie": "a_la_place"})])
    revue = Revue.objects.get(demarche_realisee__accompagnement=acc)
    orientation = orienter(mds=mds_b, emetteur=stagiaire, sens="vers_travailleur_social", usager=usager)
    partenaire = PartenaireFactory(mds=mds_b)
    return {
        "mediation:detail": {"pk": acc.pk},
        "mediation:recapitulatif": {"pk": acc.pk},
        "mediation:recapitulatif_envoyer": {"pk": acc.pk},
        "mediation:supprimer": {"pk": acc.pk},
        "mediation:corriger": {"pk": acc.pk},
        "mediation:modifier": {"pk": acc.pk},
        "mediation:rattacher": {"pk": acc.pk},
        "mediation:revue_lue": {"pk": revue.pk},
        "mediation:revue_acquitter": {"pk": revue.pk},
        "mediation:orientation_statut": {"pk": orientation.pk, "statut": "acceptee"},
        "mediation:partenaire_modifier": {"pk": partenaire.pk},
    }
