"""Communes of the Bouches-du-Rhône (13) with their INSEE code, shipped as data
(``data/communes_13.csv``: the 119 communes, 13001–13119, and Marseille's arrondissements,
13201–13216). The visitor form offers them by name; the record stores the code.

Source: the Insee « Code officiel géographique » 2026 (rows of département 13, types COM and ARM,
column LIBELLE), checked on 2 December 2026 — see docs/usagers.md « Communes »."""

import csv
from functools import cache
from pathlib import Path

from core.text_guard import normalize

DATA = Path(__file__).resolve().parent / "data" / "communes_13.csv"


@cache
def communes() -> dict[str, str]:
    with DATA.open(encoding="utf-8") as handle:
        return {row["code_insee"]: row["nom"] for row in csv.DictReader(handle)}


def nom(code: str) -> str:
    return communes().get(code or "", code or "")


def choices(current: str = "") -> list[tuple[str, str]]:
    """Sorted by name (accents ignored); a code from elsewhere already on a record stays selectable."""
    items = sorted(communes().items(), key=lambda item: normalize(item[1]))
    result = [("", "— Non précisée —"), *((code, f"{name} ({code})") for code, name in items)]
    if current and current not in communes():
        result.append((current, f"Autre commune (code {current})"))
    return result
