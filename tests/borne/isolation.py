from tests.borne.factories import BorneFactory


def cases(mds_b):
    borne = BorneFactory(mds=mds_b)
    return {
        "borne:gestion_detail": {"pk": borne.pk},
        "borne:gestion_code": {"pk": borne.pk},
        "borne:gestion_revoquer": {"pk": borne.pk},
    }
