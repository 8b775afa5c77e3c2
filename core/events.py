"""Events between peer apps (accueil, mediation, ateliers), declared here so that a producer does not
import its consumer.

The producer builds the event and calls ``emit(event)`` inside its own transaction; each handler
subscribed with ``subscribe(EventClass, handler)`` (from the consumer's ``AppConfig.ready()``) runs
at once, synchronously, in that same transaction — a failing handler rolls the producer back, as a
direct call would. Handlers must be idempotent (the producer may emit again after a correction).

Events:

- ``EmargementCloture`` — ateliers: the attendance of a séance was closed (the séance was held).
  Subscriber: mediation (the session-log entry of the held séance).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

_handlers: dict[type, list[Callable]] = defaultdict(list)


def subscribe(event_type: type, handler: Callable) -> None:
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def unsubscribe(event_type: type, handler: Callable) -> None:
    if handler in _handlers[event_type]:
        _handlers[event_type].remove(handler)


def subscribers(event_type: type) -> list[Callable]:
    return list(_handlers[event_type])


def emit(event) -> None:
    for handler in subscribers(type(event)):
        handler(event)


@dataclass(frozen=True)
class EmargementCloture:
    """A held atelier séance (« émargement clôturé »), with what the session log keeps of it."""

    mds: object  # core.MDS
    animateur: object | None  # core.User
    date: dt.date
    debut: dt.time | None
    duree_minutes: int
    thematiques: list[str]
    participants: int  # registered people present + walk-ins
    usager_ids: list[int] = field(default_factory=list)
    seance_key: str = ""  # stable per séance: a second emission supersedes the first entry
