import datetime as dt

import pytest

from core import events
from mediation.services import journaliser_seance_atelier


def _event(**extra):
    values = {
        "mds": None,
        "animateur": None,
        "date": dt.date(2026, 11, 24),
        "debut": dt.time(14, 0),
        "duree_minutes": 90,
        "thematiques": ["t"],
        "participants": 3,
    }
    return events.EmargementCloture(**{**values, **extra})


def test_emit_calls_every_subscriber_in_order():
    seen = []

    def first(event):
        seen.append(("first", event.participants))

    def second(event):
        seen.append(("second", event.seance_key))

    events.subscribe(events.EmargementCloture, first)
    events.subscribe(events.EmargementCloture, second)
    events.subscribe(events.EmargementCloture, first)  # subscribing twice does not call twice
    try:
        original = [h for h in events.subscribers(events.EmargementCloture) if h not in (first, second)]
        for handler in original:
            events.unsubscribe(events.EmargementCloture, handler)
        events.emit(_event(seance_key="k1"))
    finally:
        events.unsubscribe(events.EmargementCloture, first)
        events.unsubscribe(events.EmargementCloture, second)
        for handler in original:
            events.subscribe(events.EmargementCloture, handler)
    assert seen == [("first", 3), ("second", "k1")]


def test_mediation_subscribes_to_held_seances_at_start_up():
    assert journaliser_seance_atelier in events.subscribers(events.EmargementCloture)


def test_a_failing_handler_reaches_the_producer():
    def broken(event):
        raise RuntimeError("boom")

    events.subscribe(events.EmargementCloture, broken)
    try:
        with pytest.raises(RuntimeError):
            events.emit(_event())
    finally:
        events.unsubscribe(events.EmargementCloture, broken)
