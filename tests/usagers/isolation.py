from tests.usagers.factories import UsagerFactory


def cases(mds_b):
    usager = UsagerFactory(mds=mds_b)
    return {
        "usagers:detail": {"pk": usager.pk},
        "usagers:modifier": {"pk": usager.pk},
        "usagers:exporter": {"pk": usager.pk},
        "usagers:anonymiser": {"pk": usager.pk},
    }
