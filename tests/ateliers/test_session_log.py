"""Attendance feeds the session log of the mediation app (mediation.services.log_atelier_seance)."""

import datetime as dt

import pytest
from django.utils import timezone

from ateliers import services
from ateliers.enums import Presence, Thematique
from mediation.models import JournalActivite
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory

DEBUT = dt.datetime(2026, 3, 10, 13, 30, tzinfo=dt.UTC)  # 14:30 in Paris


@pytest.mark.django_db
def test_closing_attendance_writes_one_session_log_entry(mds_a, mediateur):
    seance = SeanceFactory(
        atelier__mds=mds_a,
        atelier__thematiques=[Thematique.EMAIL, Thematique.SECURITE_NUMERIQUE],
        animateur=mediateur,
        debut=DEBUT,
        fin=DEBUT + dt.timedelta(minutes=120),
        capacite=8,
        minimum_participants=1,
    )
    usagers = [UsagerFactory(mds=mds_a) for _ in range(3)]
    rows = [services.inscrire(seance_id=seance.pk, usager_id=u.pk, now=DEBUT - dt.timedelta(days=2)) for u in usagers]
    for row in rows[:2]:
        services.marquer_presence(inscription_id=row.pk, presence=Presence.PRESENT, now=DEBUT)
    services.ajouter_participants_anonymes(
        seance_id=seance.pk, tranche_age="soixante_dix_plus", deja_accompagne=False, nombre=3, now=DEBUT
    )
    services.cloturer_emargement(seance_id=seance.pk, par=mediateur, now=DEBUT + dt.timedelta(hours=2))

    entry = JournalActivite.objects.get(seance_key=f"atelier-seance-{seance.pk}")
    assert entry.nature == "atelier_collectif"
    assert entry.mds_id == mds_a.pk
    assert entry.participants == 5  # 2 registered and present + 3 walk-ins
    assert sorted(entry.usager_ids) == sorted(u.pk for u in usagers[:2])
    assert entry.duree_minutes == 120
    assert entry.date == timezone.localdate(DEBUT) and entry.debut == dt.time(14, 30)
    assert entry.mediateur_id == mediateur.pk
    assert sorted(entry.demarches.values_list("thematique_code", flat=True)) == ["email", "securite_numerique"]


@pytest.mark.django_db
def test_individual_session_logs_an_individual_atelier_and_empty_session_logs_nothing(mds_a, mediateur):
    indiv = SeanceFactory(
        atelier__mds=mds_a, atelier__format="individuel", capacite=1, minimum_participants=1, debut=DEBUT
    )
    row = services.inscrire(seance_id=indiv.pk, usager_id=UsagerFactory(mds=mds_a).pk, now=DEBUT - dt.timedelta(days=1))
    services.marquer_presence(inscription_id=row.pk, presence=Presence.PRESENT, now=DEBUT)
    services.cloturer_emargement(seance_id=indiv.pk, now=DEBUT + dt.timedelta(hours=1))
    assert JournalActivite.objects.get(seance_key=f"atelier-seance-{indiv.pk}").nature == "atelier_individuel"

    empty = SeanceFactory(atelier__mds=mds_a, debut=DEBUT)
    services.cloturer_emargement(seance_id=empty.pk, now=DEBUT + dt.timedelta(hours=2))
    assert not JournalActivite.objects.filter(seance_key=f"atelier-seance-{empty.pk}").exists()
