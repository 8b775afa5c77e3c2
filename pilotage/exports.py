"""CSV and XLSX of tables, exactly as displayed (masked cells stay masked: statistical secrecy).

CSV: UTF-8 with BOM and ``;`` separator (what a French spreadsheet opens directly)."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook
from openpyxl.styles import Font

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


def _sheet_title(text: str, used: set) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text)[:28].strip() or "Tableau"
    title, k = base, 2
    while title in used:
        title, k = f"{base[:25]} {k}", k + 1
    used.add(title)
    return title


def _write_sheet(sheet, tableau, contexte: str):
    sheet.append([tableau.titre])
    sheet["A1"].font = Font(bold=True, size=12)
    if contexte:
        sheet.append([contexte])
    sheet.append(tableau.en_tetes())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in tableau.rangees():
        sheet.append([_cell(v) for v in row])
    if tableau.personnes:
        sheet.append([])
        sheet.append([LEGENDE])
    sheet.column_dimensions["A"].width = 36


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
    else:
        book.remove(first)
    for tableau in tableaux:
        _write_sheet(book.create_sheet(_sheet_title(tableau.titre, used)), tableau, contexte)
    if not book.sheetnames:
        book.create_sheet("Vide")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
