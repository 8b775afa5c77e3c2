"""Capacity under concurrency: real PostgreSQL, real threads, each with its own connection."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from ateliers import services
from ateliers.enums import StatutInscription
from ateliers.models import Inscription, Seance
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory

THREADS = 24


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_exceed_capacity(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=5, minimum_participants=1)
    usagers = [UsagerFactory(mds=mds_a) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors = []

    def register(usager_id):
        try:
            barrier.wait(timeout=30)
            services.inscrire(seance_id=seance.pk, usager_id=usager_id)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(u.pk,)) for u in usagers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()
    assert not errors
    seance.refresh_from_db()
    statuts = list(Inscription.objects.filter(seance=seance).values_list("statut", flat=True))
    assert statuts.count(StatutInscription.INSCRIT) == 5
    assert statuts.count(StatutInscription.ATTENTE) == THREADS - 5
    assert seance.places_prises == 5


@pytest.mark.django_db(transaction=True)
def test_concurrent_double_submit_of_one_visitor_gives_one_registration(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=10, minimum_participants=1)
    usager = UsagerFactory(mds=mds_a)
    barrier = threading.Barrier(20)
    refused = []

    def register():
        try:
            barrier.wait(timeout=30)
            services.inscrire(seance_id=seance.pk, usager_id=usager.pk)
        except services.InscriptionRefusee:
            refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    close_old_connections()
    assert Inscription.objects.filter(seance=seance, usager=usager).count() == 1
    assert len(refused) == 19
    assert Seance.objects.get(pk=seance.pk).places_prises == 1


@pytest.mark.django_db
def test_database_refuses_more_places_than_capacity(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=2, minimum_participants=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Seance.objects.filter(pk=seance.pk).update(places_prises=3)


@pytest.mark.django_db
def test_capacity_cannot_go_below_registrations(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=5, minimum_participants=1)
    for _ in range(3):
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    with pytest.raises(services.ValidationError) as info:
        services.modifier_capacite(seance_id=seance.pk, capacite=2)
    assert "3 personnes déjà inscrites" in str(info.value)
    assert Seance.objects.get(pk=seance.pk).capacite == 5
    services.modifier_capacite(seance_id=seance.pk, capacite=3)
    assert Seance.objects.get(pk=seance.pk).capacite == 3
