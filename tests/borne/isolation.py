from tests.borne.factories import BorneFactory


def cases(mds_b):
    borne = BorneFactory(mds=mds_b)
    return {
        "borne:gestion_detail": {"pk": borne.pk},
        "borne:gestion_code": {"pk": borne.pk},
        "borne:gestion_revoquer": {"pk": borne.pk},
    }


EXEMPT = {
    "borne:annulation": "page publique du lien de rappel : le jeton signé est l'autorisation, sans MDS courante "
    "(testée dans tests/borne/test_parcours.py : jeton falsifié ou expiré → 404)",
}
