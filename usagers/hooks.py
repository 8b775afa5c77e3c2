"""Extension points the other apps plug into (the dependency goes one way: they import usagers).

- ``history_sections``: blocks of the visitor page (appointments, accompaniments, ateliers…).
- ``anonymizers``: called when a visitor is anonymized, to blank identifying data held elsewhere.
- ``exporters``: called by the rights export, to add what an app holds about the visitor.
- ``next_appointment``: the visitor's next appointment start, from the app that books them
  (accueil), for the apps that mention it (mediation's récapitulatif) without importing it.

Apps register in their ``AppConfig.ready()``. Each callable must run a bounded number of queries.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class HistorySection:
    order: int
    title: str
    template_name: str
    # (request, usager) -> template context, or None to hide the section.
    get_context: Callable


history_sections: list[HistorySection] = []
anonymizers: list[Callable] = []  # (usager) -> None, inside the anonymization transaction
exporters: list[Callable] = []  # (usager) -> (section title, JSON-serialisable data)
# (mds_id, usager_id, after) -> the next appointment start (aware datetime) or None
next_appointment_finders: list[Callable] = []


def register_history_section(section: HistorySection) -> None:
    if section not in history_sections:
        history_sections.append(section)
        history_sections.sort(key=lambda s: s.order)


def register_anonymizer(func: Callable) -> None:
    if func not in anonymizers:
        anonymizers.append(func)


def register_exporter(func: Callable) -> None:
    if func not in exporters:
        exporters.append(func)


def register_next_appointment_finder(func: Callable) -> None:
    if func not in next_appointment_finders:
        next_appointment_finders.append(func)


def next_appointment(*, mds_id: int, usager_id: int | None, after):
    """Start of the visitor's next appointment in that MDS (the earliest any app knows), or None."""
    if usager_id is None:
        return None
    found = [f(mds_id=mds_id, usager_id=usager_id, after=after) for f in next_appointment_finders]
    found = [when for when in found if when is not None]
    return min(found) if found else None
