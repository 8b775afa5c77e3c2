import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from ateliers import services
from ateliers.enums import MotifAnnulation, StatutInscription, StatutSeance, TypeEvenement
from ateliers.models import Evenement, Inscription, Seance
from ateliers.tasks import signaler_seances_sous_minimum
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory

START = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_waitlist_promotion_follows_the_order_of_arrival(mds_a, time_machine):
    time_machine.move_to(START, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=2, minimum_participants=1, debut=START + dt.timedelta(days=5))
    first, second = (services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk) for _ in range(2))
    waiting = []
    for minutes in (1, 2, 3):
        time_machine.move_to(START + dt.timedelta(minutes=minutes), tick=False)
        waiting.append(services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk))
    assert all(w.statut == StatutInscription.ATTENTE for w in waiting)

    promoted = services.desinscrire(inscription_id=second.pk)
    assert [p.pk for p in promoted] == [waiting[0].pk]
    # Raising the capacity by two promotes the next two, still in order.
    promoted = services.modifier_capacite(seance_id=seance.pk, capacite=4)
    assert [p.pk for p in promoted] == [waiting[1].pk, waiting[2].pk]
    seance.refresh_from_db()
    assert seance.places_prises == 4
    assert Inscription.objects.get(pk=first.pk).statut == StatutInscription.INSCRIT
    events = Evenement.objects.filter(seance=seance, type=TypeEvenement.PROMOTION).order_by("id")
    assert [e.inscription_id for e in events] == [w.pk for w in waiting]


@pytest.mark.django_db
def test_leaving_the_waitlist_promotes_nobody(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=1, minimum_participants=1)
    services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    w1 = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    w2 = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    assert services.desinscrire(inscription_id=w1.pk) == []
    assert Inscription.objects.get(pk=w2.pk).statut == StatutInscription.ATTENTE
    assert Seance.objects.get(pk=seance.pk).places_prises == 1


@pytest.mark.django_db
def test_registration_refused_on_duplicate_past_or_cancelled(mds_a, time_machine):
    time_machine.move_to(START, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, debut=START + dt.timedelta(days=1))
    usager = UsagerFactory(mds=mds_a)
    services.inscrire(seance_id=seance.pk, usager_id=usager.pk)
    with pytest.raises(services.InscriptionRefusee, match="déjà inscrit"):
        services.inscrire(seance_id=seance.pk, usager_id=usager.pk)
    assert seance.inscriptions.count() == 1
    past = SeanceFactory(atelier__mds=mds_a, debut=START - dt.timedelta(hours=1))
    with pytest.raises(services.InscriptionRefusee, match="passée"):
        services.inscrire(seance_id=past.pk, usager_id=usager.pk)
    services.cancel_seance(seance_id=seance.pk)
    with pytest.raises(services.InscriptionRefusee, match="annulée"):
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)


@pytest.mark.django_db
def test_minimum_flag_raised_48_hours_before_start(mds_a, time_machine):
    debut = START + dt.timedelta(days=10)
    time_machine.move_to(START, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=8, minimum_participants=3, debut=debut)
    full = SeanceFactory(atelier__mds=mds_a, capacite=8, minimum_participants=1, debut=debut)
    indiv = SeanceFactory(
        atelier__mds=mds_a, atelier__format="individuel", capacite=1, minimum_participants=1, debut=debut
    )
    services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    services.inscrire(seance_id=full.pk, usager_id=UsagerFactory(mds=mds_a).pk)

    time_machine.move_to(debut - dt.timedelta(hours=49), tick=False)
    assert services.signaler_seances_sous_minimum() == []
    time_machine.move_to(debut - dt.timedelta(hours=47), tick=False)
    assert signaler_seances_sous_minimum.apply().get() == 1  # the periodic task
    seance.refresh_from_db()
    assert seance.alerte_minimum_le == debut - dt.timedelta(hours=47)
    assert Seance.objects.get(pk=full.pk).alerte_minimum_le is None
    assert Seance.objects.get(pk=indiv.pk).alerte_minimum_le is None
    assert services.signaler_seances_sous_minimum() == []  # idempotent
    assert Evenement.objects.filter(seance=seance, type=TypeEvenement.ALERTE_MINIMUM).count() == 1


@pytest.mark.django_db
@override_settings(ATELIERS_ALERTE_MINIMUM_HEURES=24)
def test_minimum_flag_delay_is_a_setting(mds_a, time_machine):
    debut = START + dt.timedelta(days=10)
    time_machine.move_to(START, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, minimum_participants=3, debut=debut)
    time_machine.move_to(debut - dt.timedelta(hours=47), tick=False)
    assert services.signaler_seances_sous_minimum() == []
    time_machine.move_to(debut - dt.timedelta(hours=23), tick=False)
    assert services.signaler_seances_sous_minimum() == [seance.pk]


@pytest.mark.django_db
def test_cancel_records_one_event_per_registrant_and_waitlisted(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=1, minimum_participants=1)
    a = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    b = services.inscrire(seance_id=seance.pk)  # anonymous, on the waitlist
    concernees = services.cancel_seance(seance_id=seance.pk, motif=MotifAnnulation.MINIMUM_NON_ATTEINT)
    assert {i.pk for i in concernees} == {a.pk, b.pk}
    assert set(
        Evenement.objects.filter(type=TypeEvenement.ANNULATION_INSCRIT).values_list("inscription_id", flat=True)
    ) == {a.pk, b.pk}
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ANNULEE and seance.motif_annulation == MotifAnnulation.MINIMUM_NON_ATTEINT


@pytest.mark.django_db
def test_cancel_rest_of_series_keeps_earlier_sessions(mds_a, time_machine):
    time_machine.move_to(START, tick=False)
    from tests.ateliers.factories import AtelierFactory

    plan = services.planifier_seances(
        mds=mds_a,
        atelier=AtelierFactory(mds=mds_a),
        premier_jour=dt.date(2026, 6, 2),
        heure=dt.time(14),
        duree_minutes=60,
        frequence="hebdomadaire",
        jusqu_au=dt.date(2026, 6, 30),
    )
    assert len(plan.seances) == 5
    services.cancel_rest_of_series(seance_id=plan.seances[2].pk)
    statuts = list(Seance.objects.order_by("debut").values_list("statut", flat=True))
    assert statuts == ["planifiee", "planifiee", "annulee", "annulee", "annulee"]


@pytest.mark.django_db
def test_convert_to_individual_sessions(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=8, minimum_participants=4)
    seance.fin = seance.debut + dt.timedelta(minutes=120)
    seance.save()
    a, b = (services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk) for _ in range(2))
    nouvelles = services.convertir_en_individuel(seance_id=seance.pk)
    assert [s.duree_minutes for s in nouvelles] == [60, 60]
    assert nouvelles[1].debut == seance.debut + dt.timedelta(minutes=60)
    assert [s.inscriptions.get().usager_id for s in nouvelles] == [a.usager_id, b.usager_id]
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ANNULEE
    assert seance.motif_annulation == MotifAnnulation.CONVERSION_INDIVIDUEL
    assert timezone.localtime(nouvelles[0].debut) == timezone.localtime(seance.debut)
