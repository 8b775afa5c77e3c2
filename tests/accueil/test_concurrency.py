"""No double booking under concurrency, against the real PostgreSQL: ≥ 20 threads book the same
slot at once; exactly the desk's capacity succeeds, every other one gets SlotTaken."""

import threading

import pytest
from django.db import connection

from accueil.enums import CanalReservation, StatutRendezVous
from accueil.models import RendezVous
from accueil.services import SLOT_TAKEN_MESSAGE, SlotTaken, book_appointment
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.factories import MDSFactory

THREADS = 24


def fire(count, book):
    barrier = threading.Barrier(count)
    results = []
    lock = threading.Lock()

    def worker(i):
        try:
            barrier.wait(timeout=30)
            try:
                book(i)
                outcome = "ok"
            except SlotTaken as error:
                outcome = ("taken", str(error))
            except Exception as error:  # noqa: BLE001 - reported in the assertion
                outcome = ("error", repr(error))
            with lock:
                results.append(outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("capacity", [1, 3])
def test_concurrent_any_available_bookings_never_exceed_capacity(capacity):
    mds = MDSFactory()
    open_desk(mds)
    make_mediators(mds, capacity)
    motif = MotifFactory(mds=mds)
    start = at(next_open_day(), 10)

    results = fire(
        THREADS,
        lambda i: book_appointment(
            mds=mds, motif=motif, start=start, channel=CanalReservation.BORNE, prenom_ou_initiales=f"T{i}"
        ),
    )

    errors = [r for r in results if r != "ok" and r[0] == "error"]
    assert not errors
    assert results.count("ok") == capacity
    taken = [r for r in results if r != "ok"]
    assert len(taken) == THREADS - capacity
    assert {message for _, message in taken} == {SLOT_TAKEN_MESSAGE}
    assert RendezVous.objects.filter(mds=mds, debut=start, statut=StatutRendezVous.A_VENIR).count() == capacity


@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_mediator_keep_one():
    mds = MDSFactory()
    open_desk(mds)
    first, _second = make_mediators(mds, 2)
    motif = MotifFactory(mds=mds, duree_minutes=60)
    day = next_open_day()

    # Overlapping but different starts: 10:00 and 10:30 for the same mediator.
    results = fire(
        THREADS,
        lambda i: book_appointment(
            mds=mds,
            motif=motif,
            start=at(day, 10, 30 if i % 2 else 0),
            mediateur=first,
            channel=CanalReservation.ACCUEIL,
        ),
    )

    assert results.count("ok") == 1
    assert all(r == "ok" or r[0] == "taken" for r in results)
    assert RendezVous.objects.filter(mediateur=first).count() == 1
