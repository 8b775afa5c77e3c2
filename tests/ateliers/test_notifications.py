"""Registrations, promotions and cancellations plan messages in the notifications outbox."""

import datetime as dt

import pytest

from ateliers import services
from ateliers.notifications import Kind
from notifications.enums import Status
from notifications.models import Message
from notifications.registry import is_relevant
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory

NOW = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
DEBUT = dt.datetime(2026, 3, 10, 13, tzinfo=dt.UTC)


def _visitor(mds, **extra):
    return UsagerFactory(mds=mds, canal_contact="sms", telephone="+33612345678", **extra)


def _messages(inscription):
    return {
        (m.kind, m.status) for m in Message.objects.filter(object_id=inscription.pk, object_type__model="inscription")
    }


@pytest.mark.django_db
def test_registration_plans_a_reminder_and_promotion_tells_the_person(mds_a, time_machine):
    time_machine.move_to(NOW, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=1, minimum_participants=1, debut=DEBUT)
    first = services.inscrire(seance_id=seance.pk, usager_id=_visitor(mds_a).pk)
    waiting = services.inscrire(seance_id=seance.pk, usager_id=_visitor(mds_a).pk)
    silent = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a, canal_contact="aucun").pk)
    reminder = Message.objects.get(object_id=first.pk, kind=Kind.RAPPEL_ATELIER)
    assert reminder.send_at.date() == dt.date(2026, 3, 9)  # the day before
    assert set(reminder.context) <= {"debut", "mds_nom", "mds_adresse", "mds_telephone", "lien"}
    assert _messages(waiting) == set()  # nothing while on the waitlist

    services.desinscrire(inscription_id=first.pk)
    assert _messages(first) == {(Kind.RAPPEL_ATELIER, Status.ANNULE)}
    assert _messages(waiting) == {
        (Kind.PROMOTION_LISTE_ATTENTE, Status.PLANIFIE),
        (Kind.RAPPEL_ATELIER, Status.PLANIFIE),
    }
    assert _messages(silent) == set()


@pytest.mark.django_db
def test_cancelled_session_tells_registrants_and_cancels_reminders(mds_a, time_machine):
    time_machine.move_to(NOW, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=5, minimum_participants=3, debut=DEBUT)
    inscription = services.inscrire(seance_id=seance.pk, usager_id=_visitor(mds_a).pk)
    services.cancel_seance(seance_id=seance.pk, motif="minimum_non_atteint")
    assert _messages(inscription) == {(Kind.RAPPEL_ATELIER, Status.ANNULE), (Kind.ATELIER_ANNULE, Status.PLANIFIE)}
    notice = Message.objects.get(object_id=inscription.pk, kind=Kind.ATELIER_ANNULE)
    assert is_relevant(notice, NOW)
    assert not is_relevant(notice, DEBUT + dt.timedelta(minutes=1))


@pytest.mark.django_db
def test_conversion_gives_a_reminder_for_the_individual_session_not_a_cancellation(mds_a, time_machine):
    time_machine.move_to(NOW, tick=False)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=5, minimum_participants=3, debut=DEBUT)
    inscription = services.inscrire(seance_id=seance.pk, usager_id=_visitor(mds_a).pk)
    [nouvelle] = services.convertir_en_individuel(seance_id=seance.pk)
    assert (Kind.ATELIER_ANNULE, Status.PLANIFIE) not in _messages(inscription)
    copie = nouvelle.inscriptions.get()
    assert _messages(copie) == {(Kind.RAPPEL_ATELIER, Status.PLANIFIE)}
    reminder = Message.objects.get(object_id=copie.pk, kind=Kind.RAPPEL_ATELIER)
    assert is_relevant(reminder, NOW)
    services.desinscrire(inscription_id=copie.pk)
    reminder.refresh_from_db()
    assert reminder.status == Status.ANNULE
