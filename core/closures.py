"""What a closure of the MDS hits, across peer apps.

accueil owns the closure form (Paramètres → Fermetures) and its own appointments; other apps that
hold bookings on those days (ateliers: séances and their registrants) register an *impact* here from
their ``AppConfig.ready()``, so that the one confirmation lists and cancels everything without accueil
importing them (peers do not import each other; core imports no app).

An impact gives, for an MDS and a range of days (inclusive):
- ``hits(mds, date_debut, date_fin)`` → the rows the confirmation lists (objects its template reads);
- ``cancel(mds, date_debut, date_fin, user)`` → the rows it cancelled, each person told through the
  notifications outbox. Called inside the closure's transaction: an error rolls the closure back;
- optionally ``record(mds, date_debut, date_fin, libelle)`` and ``forget(mds, date_debut, date_fin)``:
  the peer keeps the closure in its own terms (ateliers: séances planned later skip those days) and
  drops it when the desk deletes the closure. Both run in the closure's transaction too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ClosureImpact:
    key: str
    order: int
    title: str  # heading of the confirmation's table, e.g. « Séances d'ateliers »
    template_name: str  # renders ``rows`` (the hits) as a table
    hits: Callable  # (*, mds, date_debut, date_fin) -> list
    cancel: Callable  # (*, mds, date_debut, date_fin, user) -> list
    summary: Callable  # (rows) -> « 2 séances d'atelier (5 personnes inscrites ou en attente) »
    record: Callable | None = None  # (*, mds, date_debut, date_fin, libelle) -> None
    forget: Callable | None = None  # (*, mds, date_debut, date_fin) -> None


_IMPACTS: dict[str, ClosureImpact] = {}


def register_impact(impact: ClosureImpact) -> None:
    _IMPACTS[impact.key] = impact


def impacts() -> list[ClosureImpact]:
    return sorted(_IMPACTS.values(), key=lambda impact: (impact.order, impact.key))


def hits_of(*, mds, date_debut, date_fin) -> list[dict]:
    """Every registered impact that hits something: [{"impact", "rows"}], in order."""
    found = []
    for impact in impacts():
        rows = list(impact.hits(mds=mds, date_debut=date_debut, date_fin=date_fin))
        if rows:
            found.append({"impact": impact, "rows": rows})
    return found


def cancel_all(*, mds, date_debut, date_fin, user=None) -> list[dict]:
    """Cancel what every impact holds on those days: [{"impact", "rows"}] of what was cancelled."""
    done = []
    for impact in impacts():
        rows = list(impact.cancel(mds=mds, date_debut=date_debut, date_fin=date_fin, user=user))
        if rows:
            done.append({"impact": impact, "rows": rows})
    return done


def record_all(*, mds, date_debut, date_fin, libelle="") -> None:
    """A closure was added: every peer that keeps closures of its own records it."""
    for impact in impacts():
        if impact.record:
            impact.record(mds=mds, date_debut=date_debut, date_fin=date_fin, libelle=libelle)


def forget_all(*, mds, date_debut, date_fin) -> None:
    """A closure was deleted: every peer drops what it recorded for it."""
    for impact in impacts():
        if impact.forget:
            impact.forget(mds=mds, date_debut=date_debut, date_fin=date_fin)
