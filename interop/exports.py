"""Anonymous activity exports in La Coop's vocabulary, both from ``coop_mapping.activites``:

- CSV with the Coop's API attribute names and codes (UTF-8 with BOM, ``;``), streamed;
- XLSX in the Coop's own export layout (its column titles and labels, one sheet « Activités »),
  without the columns that would name a person (mediator, beneficiary) — docs/interop.md."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

from mediation import coop

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLONNES_CSV = [
    "id",
    "structure",
    "type",
    "date",
    "duree",
    "accompagnements",
    "type_lieu",
    "lieu_code_postal",
    "lieu_commune",
    "lieu_code_insee",
    "thematiques",
    "tags",
    "precisions_demarche",
    "autonomie",
    "materiel",
    "oriente_vers_structure",
    "structure_de_redirection",
    "titre_atelier",
    "niveau_atelier",
    "creation",
    "modification",
    "suppression",
]


def ligne_csv(a: dict) -> list:
    def cell(name):
        value = a["_mds_code"] if name == "structure" else a[name]
        if value is None:
            return ""
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, list):
            return ",".join(value)
        return value

    return [cell(name) for name in COLONNES_CSV]


def csv_activites(activites):
    """Yield CSV chunks (bytes)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLONNES_CSV)
    for k, activite in enumerate(activites, 1):
        writer.writerow(ligne_csv(activite))
        if k % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# The Coop's column titles (its buildAccompagnementsWorksheet, export by someone else than the
# mediator), minus the person columns: mediator's name/role/id and the beneficiary's commune,
# genre, tranche d'âge and statut.
COLONNES_XLSX = [
    "Date",
    "Enregistré le",
    "Dernière modification le",
    "Type",
    "Participants",
    "Canaux d’accompagnement",
    "Nom du lieu",
    "Adresse",
    "Commune",
    "Code postal",
    "Code Insee",
    "Durée (min)",
    "Nom de l’atelier",
    "Matériel numérique utilisé",
    "Thématique(s) d’accompagnement",
    "Tags",
    "Nom de la démarche administrative",
    "Niveau d’autonomie (ou de l’atelier)",
    "Bénéficiaire réorienté",
    "Structure de redirection",
    "ID CRA",
]


def _horodatage(iso: str) -> str:
    return timezone.localtime(dt.datetime.fromisoformat(iso)).strftime("%d/%m/%Y à %H:%M")


def ligne_xlsx(a: dict) -> list:
    """One row in the Coop's layout: labels, not codes (several values on separate lines)."""
    if a["autonomie"]:
        niveau = f"{coop.AUTONOMIE_ETOILES[a['autonomie']]}/{len(coop.AUTONOMIE)}"
    elif a["niveau_atelier"]:
        niveau = f"{coop.NIVEAU_ATELIER_ETOILES[a['niveau_atelier']]}/{len(coop.NIVEAU_ATELIER)}"
    else:
        niveau = ""
    ailleurs = a["type_lieu"] != "lieu_activite"
    modifie = a["modification"] != a["creation"]
    return [
        dt.date.fromisoformat(a["date"]),
        _horodatage(a["creation"]),
        _horodatage(a["modification"]) if modifie else "",
        coop.TYPE_ACTIVITE[a["type"]],
        a["accompagnements"],
        coop.TYPE_LIEU[a["type_lieu"]],
        "" if ailleurs else a["_mds_nom"],
        "" if ailleurs else a["_mds_adresse"],
        a["lieu_commune"] or "",
        a["lieu_code_postal"] or "",
        a["lieu_code_insee"] or "",
        a["duree"],
        a["titre_atelier"] or "",
        "\n".join(coop.MATERIEL[m] for m in a["materiel"]),
        "\n".join(coop.THEMATIQUES[t] for t in a["thematiques"]),
        "\n".join(a["tags"]),
        a["precisions_demarche"] or "",
        niveau,
        "" if a["oriente_vers_structure"] is None else ("Oui" if a["oriente_vers_structure"] else "Non"),
        coop.STRUCTURE_DE_REDIRECTION[a["structure_de_redirection"]] if a["structure_de_redirection"] else "",
        a["id"],
    ]


def xlsx_activites(activites, *, contexte: str) -> bytes:
    """Write-only workbook: rows stream through, memory stays flat for a Département year."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Activités")
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")

    def cell(value, *, font=None, number_format=None):
        c = WriteOnlyCell(ws, value=value)
        c.alignment = wrap
        if font:
            c.font = font
        if number_format:
            c.number_format = number_format
        return c

    ws.append([cell(f"Export des activités — {contexte}", font=bold)])
    ws.append([f"Vocabulaire de La Coop de la médiation numérique (version {coop.COOP_SOURCE_COMMIT[:8]})"])
    ws.append([])
    ws.append([cell(title, font=bold) for title in COLONNES_XLSX])
    for activite in activites:
        values = ligne_xlsx(activite)
        ws.append([cell(values[0], number_format="dd/mm/yyyy"), *(cell(v) for v in values[1:])])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
