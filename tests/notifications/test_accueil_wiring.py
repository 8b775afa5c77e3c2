"""Appointments (accueil) → outbox: planned in the booking transaction, moved, cancelled."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accueil import notifications as reminders
from accueil.enums import CanalRappel, CanalReservation, StatutRendezVous
from accueil.services import (
    BookingError,
    book_appointment,
    cancel_appointment,
    mark_no_shows,
    reschedule_appointment,
    set_appointment_status,
)
from core.dates import PARIS
from notifications.dispatch import dispatch_due
from notifications.enums import Status
from notifications.models import Message
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.notifications.kinds import Kind
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(mds_a):
    mds_a.telephone = "04 13 31 00 00"
    mds_a.save()
    open_desk(mds_a)
    make_mediators(mds_a, 2)
    return mds_a, MotifFactory(mds=mds_a, horizon_jours=60, libelle="Logement social CAF")


def book(desk, start, **kw):
    mds, motif = desk
    kw.setdefault("channel", CanalReservation.ACCUEIL)
    kw.setdefault("reminder_channel", CanalRappel.SMS)
    if "usager" not in kw and "telephone" not in kw:
        kw["usager"] = UsagerFactory(mds=mds, canal_contact="sms", telephone="+33612345678")
    return book_appointment(mds=mds, motif=motif, start=start, **kw)


def daytime_dispatch():
    """A dispatcher run at noon tomorrow (the real clock may be inside the SMS quiet hours)."""
    noon = (timezone.now() + timedelta(days=1)).astimezone(PARIS).replace(hour=12, minute=0, second=0, microsecond=0)
    return dispatch_due(now=noon)


def kinds(rdv, status=Status.PLANIFIE):
    return set(Message.objects.for_object(rdv).filter(status=status).values_list("kind", flat=True))


def test_booking_plans_confirmation_and_reminders_in_the_same_transaction(desk, sms_file, monkeypatch):
    monkeypatch.setattr("accueil.notifications._link_builder", None)  # the fallback: the MDS phone
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    assert kinds(rdv) == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR}
    j2 = Message.objects.for_object(rdv).get(kind=Kind.RAPPEL_RDV_J2)
    assert j2.send_at.astimezone(PARIS).date() == day - timedelta(days=2) and j2.send_at.astimezone(PARIS).hour == 10
    # A refused booking leaves no message behind (same transaction).
    with pytest.raises(BookingError):
        book(desk, at(day, 14), mediateur=None, usager=None, telephone="0612345678", channel="inconnu")
    assert Message.objects.count() == 3

    daytime_dispatch()
    [sent] = sms_file()
    assert sent["to"] == "+33612345678"
    assert "confirmé" in sent["text"] and "14h00" in sent["text"] and desk[0].nom in sent["text"]
    # Never the motif, the organisme nor "social".
    assert "Logement" not in sent["text"] and "CAF" not in sent["text"] and "social" not in sent["text"].lower()
    assert "appelez le 04 13 31 00 00" in sent["text"]  # no kiosk link registered


def test_confirmation_carries_the_kiosk_cancellation_link(desk, sms_file):
    rdv = book(desk, at(next_open_day(min_days=6), 15))
    daytime_dispatch()
    [sent] = sms_file()
    assert "/borne/a/" in sent["text"] and "appelez" not in sent["text"]
    assert rdv.usager.prenom not in sent["text"]


def test_time_travel_to_j2_sends_exactly_one_reminder(desk, sms_file):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    daytime_dispatch()
    j2 = Message.objects.for_object(rdv).get(kind=Kind.RAPPEL_RDV_J2)
    with time_machine.travel(j2.send_at + timedelta(minutes=1), tick=False):
        dispatch_due()
        dispatch_due()
    with time_machine.travel(j2.send_at + timedelta(hours=3), tick=False):
        dispatch_due()
    texts = [m["text"] for m in sms_file()]
    assert len(texts) == 2 and texts[1].startswith("Rappel : vous avez rendez-vous le")
    assert kinds(rdv, Status.ENVOYE) == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2}


def test_reschedule_moves_reminders(desk, sms_file):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    old_j2 = Message.objects.for_object(rdv).get(kind=Kind.RAPPEL_RDV_J2)
    new_day = next_open_day(day, min_days=7)
    reschedule_appointment(rendez_vous=rdv, start=at(new_day, 9, 30))
    j2 = Message.objects.for_object(rdv).get(kind=Kind.RAPPEL_RDV_J2)
    assert j2.pk == old_j2.pk and j2.status == Status.PLANIFIE
    assert j2.send_at.astimezone(PARIS).date() == new_day - timedelta(days=2)
    assert j2.context["debut"] == at(new_day, 9, 30).isoformat()
    # Nothing is sent at the old J-2 time; at the new one the new time is announced.
    with time_machine.travel(old_j2.send_at + timedelta(minutes=1), tick=False):
        dispatch_due()
    assert [m for m in sms_file() if m["text"].startswith("Rappel")] == []
    with time_machine.travel(j2.send_at + timedelta(minutes=1), tick=False):
        dispatch_due()
    [reminder] = [m for m in sms_file() if m["text"].startswith("Rappel")]
    assert "9h30" in reminder["text"]


def test_reschedule_to_tomorrow_cancels_reminders_no_longer_applicable(desk):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    soon = next_open_day(min_days=1)
    with time_machine.travel(at(soon, 9) - timedelta(days=1), tick=False):
        reschedule_appointment(rendez_vous=rdv, start=at(soon, 11))
    assert Message.objects.for_object(rdv).get(kind=Kind.RAPPEL_RDV_J2).status == Status.ANNULE


@pytest.mark.parametrize("by_visitor", [True, False])
def test_cancel_sends_no_reminder_but_a_cancellation(desk, sms_file, by_visitor):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    cancel_appointment(rendez_vous=rdv, by_visitor=by_visitor)
    assert kinds(rdv) == {Kind.ANNULATION_RDV}
    assert kinds(rdv, Status.ANNULE) == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR}
    for offset in (0, 3, 5):
        with time_machine.travel(at(day, 8) - timedelta(days=offset), tick=False):
            dispatch_due()
    [sent] = sms_file()
    assert "annulé" in sent["text"]


def test_reminder_of_an_appointment_cancelled_behind_the_outbox_is_not_sent(desk, sms_file):
    """Even if a status changes without the service (bulk update), the dispatcher asks accueil."""
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    type(rdv).objects.filter(pk=rdv.pk).update(statut=StatutRendezVous.ANNULE)
    with time_machine.travel(at(day, 8) + timedelta(minutes=1), tick=False):
        report = dispatch_due()
    assert report.sent == 0 and report.cancelled == 3 and not sms_file()


def test_no_reminder_once_the_appointment_started(desk, sms_file):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    Message.objects.for_object(rdv).update(send_at=at(day, 14, 5))
    with time_machine.travel(at(day, 14, 6), tick=False):
        assert dispatch_due().cancelled == 3
    assert not sms_file()


def test_seen_or_absent_cancels_what_is_left(desk):
    day = next_open_day(min_days=6)
    rdv = book(desk, at(day, 14))
    with time_machine.travel(at(day, 13), tick=False):
        set_appointment_status(rendez_vous=rdv, statut=StatutRendezVous.HONORE)
    assert kinds(rdv) == set()
    other = book(desk, at(day, 15))
    with time_machine.travel(at(day, 17), tick=False):
        assert mark_no_shows() == 1
    assert kinds(other) == set()


def test_opt_out_and_no_reminder_choice(desk):
    day = next_open_day(min_days=6)
    usager = UsagerFactory(mds=desk[0], canal_contact="aucun", telephone="+33612345678")
    assert kinds(book(desk, at(day, 9), usager=usager)) == set()
    assert kinds(book(desk, at(day, 10), reminder_channel=CanalRappel.AUCUN)) == set()
    assert not Message.objects.exists()


def test_kiosk_booking_without_visitor_file_uses_the_phone_given(desk):
    day = next_open_day(min_days=6)
    rdv = book(
        desk,
        at(day, 11),
        usager=None,
        telephone="06 12 34 56 78",
        channel=CanalReservation.BORNE,
        prenom_ou_initiales="A",
    )
    # Booked > 48 h ahead at the kiosk with SMS: only the reminders.
    assert kinds(rdv) == {Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR}
    assert set(Message.objects.values_list("recipient", flat=True)) == {"+33612345678"}


def test_kiosk_link_builder_plugs_in(desk, sms_file):
    reminders.register_link_builder(lambda rdv: f"https://mds.example.org/b/r/{rdv.pk}")
    try:
        rdv = book(desk, at(next_open_day(min_days=6), 14))
    finally:
        reminders.register_link_builder(None)
    daytime_dispatch()
    assert f"Pour annuler : https://mds.example.org/b/r/{rdv.pk}" in sms_file()[0]["text"]


def test_email_reminder_choice(desk, mailoutbox):
    usager = UsagerFactory(mds=desk[0], canal_contact="email", email="a@example.org", langue="en")
    rdv = book(desk, at(next_open_day(min_days=6), 14), usager=usager, reminder_channel=CanalRappel.EMAIL)
    daytime_dispatch()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["a@example.org"]
    assert "Your appointment is confirmed" in mailoutbox[0].body
    assert Message.objects.for_object(rdv).get(kind=Kind.CONFIRMATION_RDV).status == Status.ENVOYE
    assert timezone.now()


def test_appointment_page_lists_its_messages(desk, client_for, mediateur, sms_file):
    rdv = book(desk, at(next_open_day(min_days=6), 14))
    daytime_dispatch()
    Message.objects.for_object(rdv).filter(kind=Kind.RAPPEL_RDV_J2).update(
        status=Status.ECHEC, last_error="refus du fournisseur (400 invalid_parameter)"
    )
    response = client_for(mediateur).get(f"/accueil/rendez-vous/{rdv.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Messages à la personne (SMS et e-mails)" in html
    assert "Confirmation de rendez-vous" in html and "Envoyé" in html
    assert "Rappel J-2" in html and "Échec" in html and "appeler la personne" in html
    assert "+33612345678" not in html  # the number is not repeated on the page


def _evening_before(day):
    return at(day - timedelta(days=1), 21)


def test_evening_booking_for_tomorrow_sends_one_message_at_eight(desk, fake_brevo):
    """Booked at 21:00 for tomorrow 10:00: the SMS confirmation waits for 08:00 (quiet hours), the
    same-day reminder would go at 08:00 too — one message, the confirmation, through the provider."""
    day = next_open_day(min_days=3)
    with time_machine.travel(_evening_before(day), tick=False):
        rdv = book(desk, at(day, 10))
        assert kinds(rdv) == {Kind.CONFIRMATION_RDV}
        assert kinds(rdv, Status.ANNULE) == set()  # the reminder was never planned
        dispatch_due()  # 21:00: postponed, nothing reaches the provider
    assert fake_brevo.requests == []
    for moment in (at(day, 8), at(day, 8, 5), at(day, 9, 30)):
        with time_machine.travel(moment, tick=False):
            dispatch_due()
    [sent] = fake_brevo.accepted()
    assert "confirmé" in sent["body"]["content"] and "10h00" in sent["body"]["content"]
    assert kinds(rdv, Status.ENVOYE) == {Kind.CONFIRMATION_RDV}


def test_afternoon_booking_for_tomorrow_keeps_the_morning_reminder(desk, fake_brevo):
    """Booked at 15:00 for tomorrow 10:00: confirmation at once, reminder at 08:00 (another day)."""
    day = next_open_day(min_days=3)
    with time_machine.travel(at(day - timedelta(days=1), 15), tick=False):
        rdv = book(desk, at(day, 10))
        assert kinds(rdv) == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_JOUR}
        dispatch_due()
    with time_machine.travel(at(day, 8, 1), tick=False):
        dispatch_due()
    texts = [m["body"]["content"] for m in fake_brevo.accepted()]
    assert len(texts) == 2 and "confirmé" in texts[0] and texts[1].startswith("Rappel : vous avez rendez-vous aujourd")


def test_morning_booking_two_days_ahead_drops_the_j2_reminder_of_the_same_day(desk):
    """Booked at 09:00 for the day after tomorrow: J-2 (10:00 today) would follow the confirmation
    within the hour — dropped; the same-day reminder stays."""
    day = next_open_day(min_days=4)
    with time_machine.travel(at(day - timedelta(days=2), 9), tick=False):
        rdv = book(desk, at(day, 14))
    assert kinds(rdv) == {Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_JOUR}


def test_moved_after_the_confirmation_went_out_keeps_the_reminder(desk, fake_brevo):
    """The confirmation is not sent again after a move: the reminder is then the only message."""
    day = next_open_day(min_days=5)
    rdv = book(desk, at(day, 14))
    daytime_dispatch()
    assert kinds(rdv, Status.ENVOYE) == {Kind.CONFIRMATION_RDV}
    with time_machine.travel(_evening_before(day), tick=False):
        reschedule_appointment(rendez_vous=rdv, start=at(day, 11))
    assert kinds(rdv) == {Kind.RAPPEL_RDV_JOUR}


@pytest.mark.parametrize("langue", ["ar", "en"])
def test_kiosk_booking_sms_in_the_booking_language(desk, sms_file, langue):
    from accueil.borne import services as borne_services
    from tests.borne.factories import BorneFactory

    mds, motif = desk
    motif.reservable_borne = True
    motif.save()
    rdv, _code = borne_services.reserver(
        borne=BorneFactory(mds=mds), motif=motif, debut=at(next_open_day(min_days=1), 14),
        prenom_ou_initiales="Samia", telephone="0612345678", langue=langue,
    )  # fmt: skip
    messages = Message.objects.for_object(rdv)
    assert messages and set(messages.values_list("language", flat=True)) == {langue}
    # An hour before the appointment: the confirmation and the reminder of the day are both due, in
    # daytime, whatever the hour the suite runs (a travel to two days before missed a confirmation
    # planned after noon).
    dispatch_due(now=rdv.debut - timedelta(hours=1))
    texts = [m["text"] for m in sms_file()]
    assert texts, "no SMS sent"
    expected = {"ar": "موعد", "en": "appointment"}[langue]
    assert all(expected in t for t in texts) and all("Samia" not in t and motif.libelle not in t for t in texts)


def test_desk_booking_follows_the_visitor_language(desk):
    usager = UsagerFactory(mds=desk[0], canal_contact="sms", telephone="+33612345678", langue="ar")
    rdv = book(desk, at(next_open_day(min_days=6), 10), usager=usager)
    assert set(Message.objects.for_object(rdv).values_list("language", flat=True)) == {"ar"}
