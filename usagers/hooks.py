"""Extension points the other apps plug into (the dependency goes one way: they import usagers).

- ``history_sections``: blocks of the visitor page (appointments, accompaniments, ateliers…).
- ``anonymizers``: called when a visitor is anonymized, to blank identifying data held elsewhere.
- ``exporters``: called by the rights export, to add what an app holds about the visitor.

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
