from datetime import UTC, date, time, timedelta

import pytest
import time_machine
from django.utils import timezone

from accueil.enums import CanalReservation, Priorite, SourcePassage, StatutPassage, StatutRendezVous
from accueil.models import Absence, Fermeture, HistoriqueRendezVous, Passage
from accueil.selectors import free_slots, queue_of_day
from accueil.services import (
    BookingError,
    QueueError,
    SlotTaken,
    book_appointment,
    call_next,
    cancel_appointment,
    check_in,
    mark_left,
    mark_no_shows,
    redirect,
    register_arrival,
    reschedule_appointment,
    set_appointment_status,
    take_in_charge,
)
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.factories import MDSFactory
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    mediators = make_mediators(mds_a, 2)
    motif = MotifFactory(mds=mds_a)
    return mds_a, mediators, motif


def book(mds, motif, start, **kw):
    kw.setdefault("channel", CanalReservation.ACCUEIL)
    return book_appointment(mds=mds, motif=motif, start=start, **kw)


# -- slots ---------------------------------------------------------------------------------------


def test_free_slots_follow_opening_hours_and_capacity(desk):
    mds, (m1, m2), motif = desk
    day = next_open_day()
    slots = free_slots(mds=mds, motif=motif, start_date=day, end_date=day)
    starts = [s.debut.astimezone(timezone.get_current_timezone()).time() for s in slots]
    # 9:00–12:00 and 13:30–17:00 in 30-minute steps.
    assert starts[0] == time(9) and time(12) not in starts and time(13, 30) in starts
    assert len(slots) == 6 + 7
    assert all(s.places == 2 for s in slots)
    book(mds, motif, at(day, 9), mediateur=m1)
    book(mds, motif, at(day, 9, 30))
    slots = {s.debut: s for s in free_slots(mds=mds, motif=motif, start_date=day, end_date=day)}
    assert slots[at(day, 9)].places == 1 and slots[at(day, 9)].mediateurs == (m2.pk,)
    assert slots[at(day, 9, 30)].places == 1
    only_m1 = free_slots(mds=mds, motif=motif, start_date=day, end_date=day, mediateur=m1)
    assert at(day, 9) not in {s.debut for s in only_m1}


def test_free_slots_skip_holidays_closures_and_absences(desk):
    mds, (m1, m2), motif = desk
    motif.horizon_jours = 365
    motif.save()
    day = next_open_day()
    Fermeture.objects.create(mds=mds, date_debut=day, date_fin=day, libelle="Inventaire")
    assert free_slots(mds=mds, motif=motif, start_date=day, end_date=day) == []
    other = next_open_day(day, min_days=1)
    Absence.objects.create(mds=mds, mediateur=m1, debut=at(other, 0), fin=at(other, 23))
    slots = free_slots(mds=mds, motif=motif, start_date=other, end_date=other)
    assert slots and all(s.places == 1 and s.mediateurs == (m2.pk,) for s in slots)
    # 14 July (or 1 May) is a public holiday: no slot even on a weekday.
    today = timezone.localdate()
    holiday = next(d for d in (date(today.year + 1, 7, 14), date(today.year + 1, 5, 1)) if d.weekday() < 5)
    with time_machine.travel(at(holiday - timedelta(days=10), 8)):
        assert free_slots(mds=mds, motif=motif, start_date=holiday, end_date=holiday) == []


def test_free_slots_are_right_across_dst(mds_a):
    open_desk(mds_a, days=range(7))
    make_mediators(mds_a, 1, days=range(7))
    motif = MotifFactory(mds=mds_a, duree_minutes=60, horizon_jours=30)
    # Last Sunday of March 2027 (28 March): UTC+1 before, UTC+2 after.
    with time_machine.travel("2027-03-20 08:00:00+01:00"):
        slots = free_slots(mds=mds_a, motif=motif, start_date=date(2027, 3, 26), end_date=date(2027, 3, 31))
    by_day = {}
    for s in slots:
        by_day.setdefault(s.debut.date(), []).append(s)
    # Friday 26 (UTC+1), Sunday 28 = the change day itself (UTC+2), Tuesday 30 (UTC+2).
    for day, offset in [(date(2027, 3, 26), 1), (date(2027, 3, 28), 2), (date(2027, 3, 30), 2)]:
        first = by_day[day][0]
        assert first.debut.hour == 9 and first.debut.utcoffset() == timedelta(hours=offset)
        assert first.fin - first.debut == timedelta(hours=1)
        assert len(by_day[day]) == 3 + 3  # 9–12 and 13:30–16:30 starts, each one hour
    # Easter Monday (29 March 2027) is a public holiday: closed.
    assert date(2027, 3, 29) not in by_day
    # A booking made across the change lands at the wall-clock hour.
    with time_machine.travel("2027-03-20 08:00:00+01:00"):
        rdv = book_appointment(
            mds=mds_a, motif=motif, start=by_day[date(2027, 3, 30)][0].debut, channel=CanalReservation.ACCUEIL
        )
    assert rdv.debut.astimezone(timezone.get_current_timezone()).hour == 9
    assert rdv.debut.astimezone(UTC).hour == 7


def test_free_slots_respect_delay_and_horizon(desk):
    mds, _, motif = desk
    motif.delai_minimum_minutes = 60 * 24 * 3
    motif.horizon_jours = 10
    motif.save()
    now = timezone.now()
    slots = free_slots(mds=mds, motif=motif, start_date=now.date(), end_date=now.date() + timedelta(days=30))
    assert slots
    assert all(s.debut >= now + timedelta(days=3) for s in slots)
    assert all(s.debut <= now + timedelta(days=10) for s in slots)


# -- booking refusals ----------------------------------------------------------------------------


def test_booking_refusals_have_french_messages(desk):
    mds, (m1, _), motif = desk
    day = next_open_day()
    past = timezone.now() - timedelta(days=1)
    with pytest.raises(BookingError, match="déjà passé"):
        book(mds, motif, past)
    with pytest.raises(BookingError, match="en dehors des heures"):
        book(mds, motif, at(day, 7))
    with pytest.raises(BookingError, match="pas plus de 60 jours"):
        book(mds, motif, at(day + timedelta(days=90), 10))
    Fermeture.objects.create(mds=mds, date_debut=day, date_fin=day)
    with pytest.raises(BookingError, match="fermé ce jour-là"):
        book(mds, motif, at(day, 10))
    other = MotifFactory(mds=MDSFactory())
    with pytest.raises(BookingError, match="pas proposé"):
        book(mds, other, at(day, 10))
    with pytest.raises(BookingError, match="réserve au moins"):
        book(mds, motif, timezone.now() + timedelta(minutes=5))


def test_kiosk_cannot_book_staff_only_motif(desk):
    mds, _, _ = desk
    motif = MotifFactory(mds=mds, reservable_borne=False)
    with pytest.raises(BookingError, match="borne"):
        book(mds, motif, at(next_open_day(), 10), channel=CanalReservation.BORNE)


def test_one_mediator_cannot_hold_two_overlapping_appointments(desk):
    mds, (m1, m2), _ = desk
    long = MotifFactory(mds=mds, duree_minutes=60)
    day = next_open_day()
    book(mds, long, at(day, 10), mediateur=m1)
    with pytest.raises(SlotTaken):
        book(mds, long, at(day, 10, 30), mediateur=m1)
    book(mds, long, at(day, 10, 30), mediateur=m2)
    with pytest.raises(SlotTaken, match="vient d'être pris"):
        book(mds, long, at(day, 10, 30))


# -- status, history, no-shows -------------------------------------------------------------------


def test_reschedule_and_cancel_keep_history(desk, mediateur):
    mds, (m1, _), motif = desk
    day = next_open_day()
    rdv = book(mds, motif, at(day, 10), mediateur=m1, booked_by=mediateur)
    reschedule_appointment(rendez_vous=rdv, start=at(day, 14), user=mediateur)
    assert rdv.debut == at(day, 14) and rdv.mediateur == m1
    # The old slot is free again.
    book(mds, motif, at(day, 10), mediateur=m1)
    cancel_appointment(rendez_vous=rdv, by_visitor=True)
    assert rdv.statut == StatutRendezVous.EXCUSE
    actions = list(HistoriqueRendezVous.objects.filter(rendez_vous=rdv).values_list("action", "ancien_debut"))
    assert [a for a, _ in actions] == ["creation", "deplacement", "statut"]
    assert actions[1][1] == at(day, 10)
    with pytest.raises(BookingError):
        set_appointment_status(rendez_vous=rdv, statut=StatutRendezVous.HONORE)
    with pytest.raises(BookingError, match="à venir"):
        reschedule_appointment(rendez_vous=rdv, start=at(day, 15))
    # Cancelled: the slot is free.
    book(mds, motif, at(day, 14), mediateur=m1)


def test_no_show_task_is_idempotent_and_spares_checked_in(desk):
    mds, _, motif = desk
    day = next_open_day()
    gone = book(mds, motif, at(day, 10))
    came = book(mds, motif, at(day, 10, 30))
    later = book(mds, motif, at(day, 16))
    with time_machine.travel(at(day, 10, 35)):
        check_in(rendez_vous=came)
    with time_machine.travel(at(day, 11, 1)):
        assert mark_no_shows() == 1
        assert mark_no_shows() == 0
    for rdv in (gone, came, later):
        rdv.refresh_from_db()
    assert gone.statut == StatutRendezVous.ABSENT
    assert came.statut == StatutRendezVous.HONORE
    assert later.statut == StatutRendezVous.A_VENIR
    # A late visitor marked absent may still be received.
    with time_machine.travel(at(day, 11, 5)):
        passage = check_in(rendez_vous=gone)
    gone.refresh_from_db()
    assert gone.statut == StatutRendezVous.HONORE and passage.rendez_vous == gone


def test_check_in_creates_one_linked_passage(desk):
    mds, _, motif = desk
    usager = UsagerFactory(mds=mds)
    day = next_open_day()
    rdv = book(mds, motif, at(day, 10), usager=usager)
    with time_machine.travel(at(day, 9, 50)):
        first = check_in(rendez_vous=rdv)
        again = check_in(rendez_vous=rdv)
    assert first.pk == again.pk
    assert first.source == SourcePassage.RENDEZ_VOUS and first.usager == usager
    usager.refresh_from_db()
    assert usager.last_contact_at is not None
    other_day = book(mds, motif, at(next_open_day(day, min_days=1), 10))
    with time_machine.travel(at(day, 9, 50)), pytest.raises(BookingError, match="pas aujourd'hui"):
        check_in(rendez_vous=other_day)


# -- queue ---------------------------------------------------------------------------------------


def test_ticket_numbers_reset_per_day_and_per_mds(mds_a, mds_b):
    day = next_open_day()
    with time_machine.travel(at(day, 9)):
        a1 = register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT)
        a2 = register_arrival(mds=mds_a, source=SourcePassage.BORNE)
        b1 = register_arrival(mds=mds_b, source=SourcePassage.VENU_DIRECTEMENT)
    with time_machine.travel(at(day + timedelta(days=1), 9)):
        a3 = register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT)
    assert [a1.ticket, a2.ticket, b1.ticket, a3.ticket] == ["A-001", "A-002", "A-001", "A-001"]


def test_queue_orders_priority_then_arrival_and_computes_waiting_time(mds_a, mediateur):
    day = next_open_day()
    with time_machine.travel(at(day, 9), tick=False) as clock:
        first = register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT)
        clock.shift(60)
        second = register_arrival(mds=mds_a, source=SourcePassage.ALLER_VERS, prenom_ou_initiales="J. D.")
        clock.shift(60)
        urgent = register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT, priorites=[Priorite.GROSSESSE])
        assert [p.pk for p in queue_of_day(mds=mds_a)] == [urgent.pk, first.pk, second.pk]
        clock.shift(600)
        called = call_next(mds=mds_a, user=mediateur, guichet="Bureau 2")
        assert called.pk == urgent.pk and called.statut == StatutPassage.APPELE and called.guichet == "Bureau 2"
        clock.shift(30)
        taken = take_in_charge(passage=called, user=mediateur)
        assert taken.attente_secondes == 630
        mark_left(passage=second)
        redirect(passage=first, vers="France Services")
        assert call_next(mds=mds_a) is None
        with pytest.raises(QueueError):
            take_in_charge(passage=second)
    statuses = dict(Passage.objects.values_list("pk", "statut"))
    assert statuses == {urgent.pk: "en_charge", second.pk: "parti", first.pk: "redirige"}


def test_arrival_refuses_secrets_and_foreign_objects(mds_a, mds_b):
    with pytest.raises(QueueError, match="mot de passe"):
        register_arrival(mds=mds_a, source=SourcePassage.BORNE, prenom_ou_initiales="mdp : azerty")
    with pytest.raises(QueueError):
        register_arrival(mds=mds_a, source=SourcePassage.BORNE, motif=MotifFactory(mds=mds_b))
    with pytest.raises(QueueError):
        register_arrival(mds=mds_a, source="inconnue")
    assert not Passage.objects.exists()


def test_desk_label_is_guarded(mds_a):
    register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT)
    with pytest.raises(QueueError, match="mot de passe"):
        call_next(mds=mds_a, guichet="mdp: 1234")
    assert Passage.objects.get().statut == StatutPassage.EN_ATTENTE


def test_no_show_periodic_task_is_declared_and_calls_the_service(desk):
    from accueil import tasks
    from core.periodic import declared_tasks

    assert any(t["task"] == "accueil.tasks.mark_no_shows" for t in declared_tasks())
    mds, _, motif = desk
    day = next_open_day()
    rdv = book(mds, motif, at(day, 10))
    with time_machine.travel(at(day, 12)):
        assert tasks.mark_no_shows() == 1
        assert tasks.mark_no_shows() == 0
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.ABSENT


def test_open_desk_without_available_mediator_refuses_with_a_reason(mds_a):
    open_desk(mds_a)
    motif = MotifFactory(mds=mds_a)
    day = next_open_day()
    assert free_slots(mds=mds_a, motif=motif, start_date=day, end_date=day) == []
    with pytest.raises(BookingError, match="ne reçoit"):
        book(mds_a, motif, at(day, 10))
