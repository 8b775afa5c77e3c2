from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.utils import timezone

from accueil.notifications import appointment_plan, notify_appointment_cancelled, plan_appointment_messages
from notifications import services
from notifications.contacts import contact_for
from notifications.content import UnsafeContent
from notifications.enums import Channel, Status
from notifications.models import Message, Reglages
from notifications.timing import next_allowed
from tests.notifications.factories import MessageFactory
from tests.notifications.kinds import Kind
from tests.usagers.factories import UsagerFactory

PARIS = ZoneInfo("Europe/Paris")
pytestmark = pytest.mark.django_db


def schedule(usager, kind=Kind.RAPPEL_RDV_J2, **extra):
    values = {
        "kind": kind,
        "obj": usager,
        "mds": usager.mds,
        "channel": Channel.SMS,
        "recipient": "+33612345678",
        "send_at": timezone.now() + timedelta(days=1),
        "context": {"mds_nom": usager.mds.nom},
        "usager": usager,
    }
    values.update(extra)
    return services.schedule_message(**values)


def test_one_message_per_object_kind_and_channel():
    usager = UsagerFactory(canal_contact="sms", telephone="+33612345678")
    first = schedule(usager)
    later = timezone.now() + timedelta(days=2)
    again = schedule(usager, send_at=later)
    assert again.pk == first.pk
    assert Message.objects.count() == 1
    assert Message.objects.get().send_at == later
    # The database itself refuses a duplicate.
    with pytest.raises(IntegrityError):
        MessageFactory(usager=usager, kind=Kind.RAPPEL_RDV_J2, channel=Channel.SMS)


def test_a_sent_message_is_not_planned_again():
    usager = UsagerFactory(canal_contact="sms", telephone="+33612345678")
    message = schedule(usager)
    Message.objects.filter(pk=message.pk).update(status=Status.ENVOYE)
    again = schedule(usager, send_at=timezone.now() + timedelta(days=5))
    assert again.status == Status.ENVOYE and again.send_at == message.send_at


@pytest.mark.parametrize("fields", [{"canal_contact": "aucun"}, {"opt_out_le": timezone.now()}])
def test_opt_out_is_honoured(fields):
    usager = UsagerFactory(telephone="+33612345678", **{"canal_contact": "sms", **fields})
    assert schedule(usager) is None
    assert (
        services.schedule_for_usager(kind=Kind.RAPPEL_RDV_J2, obj=usager, usager=usager, send_at=timezone.now()) is None
    )
    assert not Message.objects.exists()


def test_schedule_for_usager_uses_channel_contact_and_language():
    usager = UsagerFactory(canal_contact="email", email="a@example.org", langue="ar", telephone="+33612345678")
    message = services.schedule_for_usager(kind=Kind.RAPPEL_RDV_J2, obj=usager, usager=usager, send_at=timezone.now())
    assert (message.channel, message.recipient, message.language) == ("email", "a@example.org", "ar")
    sms = services.schedule_for_usager(
        kind=Kind.RAPPEL_RDV_JOUR, obj=usager, usager=usager, send_at=timezone.now(), channel="sms"
    )
    assert (sms.channel, sms.recipient) == ("sms", "+33612345678")
    no_phone = UsagerFactory(canal_contact="sms", telephone="")
    assert (
        services.schedule_for_usager(kind=Kind.RAPPEL_RDV_J2, obj=no_phone, usager=no_phone, send_at=timezone.now())
        is None
    )


def test_context_keys_are_checked():
    usager = UsagerFactory(canal_contact="sms", telephone="+33612345678")
    with pytest.raises(UnsafeContent):
        schedule(usager, context={"motif": "Logement"})


def test_cancel_and_reschedule():
    usager = UsagerFactory(canal_contact="sms", telephone="+33612345678")
    j2 = schedule(usager)
    jour = schedule(usager, kind=Kind.RAPPEL_RDV_JOUR)
    sent = schedule(usager, kind=Kind.CONFIRMATION_RDV)
    Message.objects.filter(pk=sent.pk).update(status=Status.ENVOYE)

    new_time = timezone.now() + timedelta(days=9)
    moved = services.reschedule_messages(
        obj=usager,
        send_at_by_kind={Kind.RAPPEL_RDV_J2: new_time, Kind.RAPPEL_RDV_JOUR: None, Kind.CONFIRMATION_RDV: new_time},
        context={"debut": "2026-12-01T10:00:00+01:00"},
    )
    assert moved == 1
    j2.refresh_from_db(), jour.refresh_from_db(), sent.refresh_from_db()
    assert j2.send_at == new_time and j2.context["debut"].startswith("2026-12-01") and j2.status == Status.PLANIFIE
    assert jour.status == Status.ANNULE
    assert sent.status == Status.ENVOYE

    assert services.cancel_messages(obj=usager) == 1
    j2.refresh_from_db()
    assert j2.status == Status.ANNULE and j2.cancelled_at
    # Planning again revives the cancelled row (same row: the unique constraint holds).
    again = schedule(usager)
    assert again.pk == j2.pk and again.status == Status.PLANIFIE


def _paris(*args):
    return datetime(*args, tzinfo=PARIS)


def test_appointment_plan_defaults(mds_a):
    now = _paris(2026, 11, 23, 11, 0)
    plan = appointment_plan(mds=mds_a, debut=_paris(2026, 11, 27, 14, 30), now=now)
    assert plan == {
        Kind.CONFIRMATION_RDV: now,
        Kind.RAPPEL_RDV_J2: _paris(2026, 11, 25, 10, 0),
        Kind.RAPPEL_RDV_JOUR: _paris(2026, 11, 27, 8, 0),
    }
    # Booked the day before: no J-2 reminder (its time is past), the confirmation covers it.
    plan = appointment_plan(mds=mds_a, debut=_paris(2026, 11, 24, 8, 30), now=now)
    assert set(plan) == {Kind.CONFIRMATION_RDV}  # same-day at 8:00 is less than 1 h before 8:30


def test_appointment_plan_kiosk_and_settings(mds_a):
    now = _paris(2026, 11, 23, 11, 0)
    plan = appointment_plan(mds=mds_a, debut=_paris(2026, 11, 27, 14, 30), now=now, by_visitor_at_kiosk=True)
    assert Kind.CONFIRMATION_RDV not in plan and Kind.RAPPEL_RDV_J2 in plan
    # > 48 h ahead but the J-2 hour is past: the reminder goes at once instead.
    plan = appointment_plan(mds=mds_a, debut=_paris(2026, 11, 25, 14, 30), now=now, by_visitor_at_kiosk=True)
    assert plan[Kind.RAPPEL_RDV_J2] == now
    Reglages.objects.create(mds=mds_a, heure_rappel_j2=17, rappel_jour_meme=False)
    mds_a.refresh_from_db()
    plan = appointment_plan(mds=mds_a, debut=_paris(2026, 11, 27, 14, 30), now=now)
    assert plan[Kind.RAPPEL_RDV_J2] == _paris(2026, 11, 25, 17, 0) and Kind.RAPPEL_RDV_JOUR not in plan


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (_paris(2026, 11, 23, 19, 59), _paris(2026, 11, 23, 19, 59)),
        (_paris(2026, 11, 23, 20, 0), _paris(2026, 11, 24, 8, 0)),
        (_paris(2026, 11, 24, 3, 0), _paris(2026, 11, 24, 8, 0)),
        (_paris(2026, 11, 24, 8, 0), _paris(2026, 11, 24, 8, 0)),
        (_paris(2026, 3, 28, 23, 0), _paris(2026, 3, 29, 8, 0)),  # across the switch to summer time
    ],
)
def test_quiet_hours(when, expected):
    assert next_allowed(Channel.SMS, when) == expected
    assert next_allowed(Channel.EMAIL, when) == when


def test_plan_appointment_messages_moves_and_cancels(mds_a):
    usager = UsagerFactory(mds=mds_a, canal_contact="sms", telephone="+33612345678")
    now = timezone.now()
    debut = (now + timedelta(days=6)).astimezone(PARIS).replace(hour=14, minute=0, second=0, microsecond=0)
    contact = contact_for(usager)
    planned = plan_appointment_messages(
        obj=usager, usager=usager, mds=mds_a, debut=debut, contact=contact, lien="https://x/y"
    )
    assert {m.kind for m in planned} == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR}
    # Rescheduled to tomorrow 8:30: J-2 and same-day no longer apply → cancelled; confirmation re-planned.
    tomorrow = (now + timedelta(days=1)).astimezone(PARIS).replace(hour=8, minute=30, second=0, microsecond=0)
    plan_appointment_messages(obj=usager, usager=usager, mds=mds_a, debut=tomorrow, contact=contact)
    statuses = dict(Message.objects.values_list("kind", "status"))
    assert statuses[Kind.RAPPEL_RDV_J2] == Status.ANNULE and statuses[Kind.RAPPEL_RDV_JOUR] == Status.ANNULE
    assert statuses[Kind.CONFIRMATION_RDV] == Status.PLANIFIE
    assert Message.objects.get(kind=Kind.CONFIRMATION_RDV).context["debut"] == tomorrow.isoformat()

    notify_appointment_cancelled(obj=usager, usager=usager, mds=mds_a, debut=tomorrow, contact=contact)
    statuses = dict(Message.objects.values_list("kind", "status"))
    assert statuses[Kind.CONFIRMATION_RDV] == Status.ANNULE
    assert statuses[Kind.ANNULATION_RDV] == Status.PLANIFIE
