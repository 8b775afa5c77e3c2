"""CSV and XLSX of tables, exactly as displayed (masked cells stay masked: statistical secrecy).

CSV: UTF-8 with BOM and ``;`` separator (what a French spreadsheet opens directly)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .secrecy import LEGENDE

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    return "" if value is None else value


def csv_tableau(tableau, contexte: str = "") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([tableau.titre + (f" — {contexte}" if contexte else "")])
    writer.writerow(tableau.en_tetes())
    for row in tableau.rangees():
        writer.writerow([_cell(v) for v in row])
    if tableau.personnes:
        writer.writerow([LEGENDE])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_long(tableaux, contexte: dict) -> bytes:
    """Every table in one long CSV: one line per cell (reusable by any tool)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["periode", "perimetre", "tableau", "ligne", "colonne", "valeur"])
    for tableau in tableaux:
        heads = tableau.en_tetes()
        for row in tableau.rangees():
            for head, value in zip(heads[1:], row[1:], strict=False):
                writer.writerow([contexte["periode"], contexte["perimetre"], tableau.cle, row[0], head, _cell(value)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# Sheet names (Excel: at most 31 characters): abbreviated by design, never cut mid-word.
NOMS_FEUILLES = {
    "accompagnements_mois": "Accompagnements par mois",
    "usagers": "Usagers nouveaux et revenus",
    "sources": "Venue",
    "mode": "Sans ou sur rendez-vous",
    "arrivees": "Arrivées à l'accueil",
    "attente": "Attente sans rendez-vous",
    "rdv_statut": "Rendez-vous par issue",
    "rdv_canal": "Rendez-vous par canal",
    "rdv_motif": "Rendez-vous par motif",
    "rappels": "Rappels",
    "demarches_organisme": "Démarches par organisme",
    "demarches_procedure": "Démarches les plus fréquentes",
    "resultats": "Résultat des démarches",
    "orientations": "Orientations",
    "postures": "Postures (part des étapes)",
    "postures_nombre": "Postures (nombre d'étapes)",
    "progression": "Progression de l'autonomie",
    "temps": "Temps passé (heures)",
    "duree_mediane": "Durée médiane (minutes)",
    "ateliers": "Ateliers",
    "profil_genre": "Profil - genre",
    "profil_age": "Profil - tranche d'âge",
    "profil_statut": "Profil - statut social",
    "profil_langue": "Profil - langue",
    "capacite": "Utilisation du point",
}
LARGEUR_MAX = 31


def _sheet_title(text: str, used: set, cle: str = "") -> str:
    base = NOMS_FEUILLES.get(cle) or re.sub(r"[\[\]:*?/\\]", " ", text).strip() or "Tableau"
    if len(base) > LARGEUR_MAX:  # a whole-word cut for titles without a designed name
        words, base = base.split(), ""
        for word in words:
            if len(f"{base} {word}".strip()) > LARGEUR_MAX - 3:
                break
            base = f"{base} {word}".strip()
    title, k = base, 2
    while title in used:
        title, k = f"{base[: LARGEUR_MAX - 3]} {k}", k + 1
    used.add(title)
    return title


def _write_sheet(sheet, tableau, contexte: str):
    sheet.append([tableau.titre])
    sheet["A1"].font = Font(bold=True, size=12)
    if contexte:
        sheet.append([contexte])
    sheet.append(tableau.en_tetes())
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)  # header row and label column stay visible
    for row in tableau.rangees():
        sheet.append([_cell(v) for v in row])
        for cell in sheet[sheet.max_row][1:]:
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
            else:
                cell.alignment = Alignment(horizontal="right")
        if row[0] == "Total":
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    if tableau.personnes:
        sheet.append([])
        sheet.append([LEGENDE])
    labels = [str(r[0]) for r in tableau.rangees()] + [str(tableau.en_tetes()[0])]
    sheet.column_dimensions["A"].width = min(60, max(14, *(len(t) + 2 for t in labels)))
    for k, head in enumerate(tableau.en_tetes()[1:], start=2):
        sheet.column_dimensions[get_column_letter(k)].width = min(30, max(10, len(str(head)) + 2))


def xlsx_tableaux(tableaux, contexte: str = "", premiere_feuille: list[list] | None = None) -> bytes:
    """One sheet per table (plus an optional first sheet of key figures / methodology)."""
    book = Workbook()
    used: set = set()
    first = book.active
    if premiere_feuille is not None:
        first.title = _sheet_title("Synthèse", used)
        for row in premiere_feuille:
            first.append(row)
        first.column_dimensions["A"].width = 60
        for column in "BCD":
            first.column_dimensions[column].width = 16
    else:
        book.remove(first)
    for tableau in tableaux:
        _write_sheet(book.create_sheet(_sheet_title(tableau.titre, used, tableau.cle)), tableau, contexte)
    if not book.sheetnames:
        book.create_sheet("Vide")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
