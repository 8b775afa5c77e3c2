import datetime as dt

import pytest
from django.utils import timezone

from ateliers import services
from ateliers.models import Fermeture, Seance, Serie
from ateliers.recurrence import build_rule, occurrences
from tests.ateliers.factories import AtelierFactory
from tests.usagers.factories import UsagerFactory


def test_weekly_rule_skips_french_public_holidays():
    # Mondays from 27 April to 1 June 2026: Pentecost Monday (25 May) is a public holiday.
    regle = build_rule(
        premier_jour=dt.date(2026, 4, 27), heure=dt.time(14), frequence="hebdomadaire", jusqu_au=dt.date(2026, 6, 1)
    )
    assert "FREQ=WEEKLY" in regle
    occ = occurrences(regle)
    assert [o.date for o in occ] == [dt.date(2026, 4, 27) + dt.timedelta(weeks=i) for i in range(6)]
    skipped = {o.date: o.ignoree for o in occ if o.ignoree}
    assert list(skipped) == [dt.date(2026, 5, 25)]
    assert "férié" in skipped[dt.date(2026, 5, 25)]


def test_fortnightly_rule_and_closures():
    # Fridays every two weeks from 1 May 2026 (Labour Day, a holiday) to 26 June.
    regle = build_rule(
        premier_jour=dt.date(2026, 5, 1), heure=dt.time(9, 30), frequence="quinzaine", jusqu_au=dt.date(2026, 6, 26)
    )
    fermeture = Fermeture(date_debut=dt.date(2026, 6, 10), date_fin=dt.date(2026, 6, 12), motif="Travaux")
    occ = occurrences(regle, fermetures=[fermeture])
    assert [o.date for o in occ] == [
        dt.date(2026, 5, 1),
        dt.date(2026, 5, 15),
        dt.date(2026, 5, 29),
        dt.date(2026, 6, 12),
        dt.date(2026, 6, 26),
    ]
    assert [o.date for o in occ if not o.ignoree] == [dt.date(2026, 5, 15), dt.date(2026, 5, 29), dt.date(2026, 6, 26)]
    assert "Travaux" in next(o.ignoree for o in occ if o.date == dt.date(2026, 6, 12))


@pytest.mark.django_db
def test_planifier_series_creates_only_kept_dates_in_local_time(mds_a, mediateur, time_machine):
    time_machine.move_to(dt.datetime(2026, 4, 1, 8, tzinfo=dt.UTC))
    atelier = AtelierFactory(mds=mds_a, capacite=6, minimum_participants=2)
    Fermeture.objects.create(mds=mds_a, date_debut=dt.date(2026, 5, 11), date_fin=dt.date(2026, 5, 11))
    plan = services.planifier_seances(
        mds=mds_a,
        atelier=atelier,
        premier_jour=dt.date(2026, 4, 27),
        heure=dt.time(14),
        duree_minutes=90,
        frequence="hebdomadaire",
        jusqu_au=dt.date(2026, 6, 1),
        salle="Salle B",
        animateur=mediateur,
        par=mediateur,
    )
    dates = [timezone.localtime(s.debut) for s in Seance.objects.order_by("debut")]
    assert [d.date() for d in dates] == [
        dt.date(2026, 4, 27),
        dt.date(2026, 5, 4),
        dt.date(2026, 5, 18),
        dt.date(2026, 6, 1),
    ]
    assert all(d.hour == 14 and d.minute == 0 for d in dates)  # 14:00 Paris time, summer time included
    assert {o.date for o in plan.ignorees} == {dt.date(2026, 5, 11), dt.date(2026, 5, 25)}
    assert Serie.objects.get().seances.count() == 4
    assert set(Seance.objects.values_list("capacite", "minimum_participants")) == {(6, 2)}


@pytest.mark.django_db
def test_individual_series_registers_the_visitor_on_every_session(mds_a, mediateur, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC))
    atelier = AtelierFactory(mds=mds_a, format="individuel")
    usager = UsagerFactory(mds=mds_a)
    plan = services.planifier_seances(
        mds=mds_a,
        atelier=atelier,
        premier_jour=dt.date(2026, 10, 6),
        heure=dt.time(10),
        duree_minutes=60,
        frequence="hebdomadaire",
        jusqu_au=dt.date(2026, 11, 10),  # 11 November (Armistice) is a Wednesday: no skip on Tuesdays
        usager=usager,
        par=mediateur,
    )
    assert len(plan.seances) == 6
    for seance in Seance.objects.all():
        assert seance.capacite == 1 and seance.places_prises == 1
        assert list(seance.inscriptions.values_list("usager_id", flat=True)) == [usager.pk]
