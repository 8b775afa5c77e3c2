"""Cross-MDS walker cases: every object URL of the ateliers app, pointed at objects of MDS B."""

import datetime as dt

from django.utils import timezone


def cases(mds_b):
    from ateliers import services
    from ateliers.models import Fermeture
    from tests.ateliers.factories import AtelierFactory, SeanceFactory
    from tests.usagers.factories import UsagerFactory

    seance = SeanceFactory(atelier__mds=mds_b, debut=timezone.now() + dt.timedelta(hours=1))
    inscription = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_b).pk)
    today = SeanceFactory(atelier__mds=mds_b, debut=timezone.now() - dt.timedelta(minutes=5))
    anonymes = services.ajouter_participants_anonymes(
        seance_id=today.pk, tranche_age="non_communique", deja_accompagne=False, nombre=2
    )
    fermeture = Fermeture.objects.create(mds=mds_b, date_debut=timezone.localdate(), date_fin=timezone.localdate())
    pk = {"pk": seance.pk}
    return {
        "ateliers:atelier_modifier": {"pk": AtelierFactory(mds=mds_b).pk},
        # Département-wide models: only coordinateurs (not among the walker's roles) may edit them.
        "ateliers:modele_modifier": {"pk": AtelierFactory(mds=None).pk},
        "ateliers:fermeture_supprimer": {"pk": fermeture.pk},
        "ateliers:seance": pk,
        "ateliers:seance_ics": pk,
        "ateliers:seance_inscrire": pk,
        "ateliers:seance_inscrire_anonyme": pk,
        "ateliers:seance_nouvel_usager": pk,
        "ateliers:seance_capacite": pk,
        "ateliers:seance_annuler": pk,
        "ateliers:seance_convertir": pk,
        "ateliers:emargement": {"pk": today.pk},
        "ateliers:emargement_imprimer": {"pk": today.pk},
        "ateliers:anonymes_ajouter": {"pk": today.pk},
        "ateliers:cloturer": {"pk": today.pk},
        "ateliers:anonymes_retirer": {"pk": anonymes.pk},
        "ateliers:inscription_desinscrire": {"pk": inscription.pk},
        "ateliers:presence": {"pk": inscription.pk},
    }
