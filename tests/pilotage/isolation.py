"""Cross-MDS isolation cases of pilotage (tests/test_isolation.py walks them)."""


def cases(mds_b):
    from pilotage.models import Rapport

    rapport, _ = Rapport.objects.get_or_create(mois="2026-01-01", mds=mds_b)
    return {
        "pilotage:rapport_statut": {"pk": rapport.pk},
        "pilotage:rapport_fichier": {"pk": rapport.pk, "fmt": "pdf"},
    }
