"""Capabilities one peer app offers another, declared in core so that neither imports the other.

Peers (accueil, mediation, ateliers) do not import each other. When one needs an answer from
another (not just to react to what happened, which is ``core.events``), the provider registers an
implementation here from its ``AppConfig.ready()`` and the caller asks core for it; ``None`` means
the capability is not offered (app not installed), and the caller hides the feature.

Ports:

- ``ateliers_borne`` — provided by ateliers (``ateliers.kiosk``), used by the waiting-room kiosk
  (accueil.borne): the next open séances of an MDS and an anonymous registration by first name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SeanceBorne:
    """What the kiosk may show of a séance: no participant, no facilitator."""

    pk: int
    titre: str  # typed by the MDS, in French
    debut: dt.datetime
    fin: dt.datetime
    salle: str
    places_restantes: int


class AtelierComplet(Exception):
    """No free place left in the séance (the kiosk never puts anyone on the waitlist)."""


class AtelierIndisponible(Exception):
    """The séance is no longer open to a kiosk registration (cancelled, started, other MDS…)."""


class AteliersBorne(Protocol):
    def seances_ouvertes(self, *, mds, now: dt.datetime | None = None, limit: int = 6) -> list[SeanceBorne]: ...

    def seance(self, *, mds, pk: int) -> SeanceBorne | None: ...

    def inscrire(
        self, *, mds, seance_id: int, prenom_ou_initiales: str, now: dt.datetime | None = None
    ) -> SeanceBorne: ...


_providers: dict[str, object] = {}


def provide_ateliers_borne(implementation: AteliersBorne) -> None:
    _providers["ateliers_borne"] = implementation


def ateliers_borne() -> AteliersBorne | None:
    return _providers.get("ateliers_borne")  # type: ignore[return-value]
