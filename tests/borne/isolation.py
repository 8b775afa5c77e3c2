from accueil.borne.models import DemandeAide
from tests.borne.factories import BorneFactory


def cases(mds_b):
    borne = BorneFactory(mds=mds_b)
    demande = DemandeAide.objects.create(mds=mds_b, borne=borne, ecran="accueil")
    return {
        "borne:gestion_detail": {"pk": borne.pk},
        "borne:gestion_code": {"pk": borne.pk},
        "borne:gestion_revoquer": {"pk": borne.pk},
        "borne:demande_aide_prendre": {"pk": demande.pk},
    }


EXEMPT = {
    "borne:annulation_ics": "fichier agenda de la même page publique : même jeton signé, mêmes règles",
    "borne:deplacer": "« Déplacer » de la même page publique : même jeton signé, mêmes règles "
    "(tests/borne/test_deplacer.py::test_forged_link_and_rate_limit)",
    "borne:annulation": "page publique du lien de rappel : le jeton signé est l'autorisation, sans MDS courante "
    "(testée dans tests/borne/test_parcours.py : jeton falsifié ou expiré → 404)",
}
