"""The rows of a dashboard table as HTML, built in Python.

A Département table has up to ~25 rows × 20 columns; with some 30 tables a page holds ~4 600 cells.
Rendered by the template loop, each cell costs a variable lookup, a filter and Django's number
localisation (~75 % of the page's server time under the profiler). Here each cell is a string
join: the same markup and the same French number format (``django.utils.numberformat.format`` with
the active locale's separators, as ``{{ value }}`` would), every text escaped."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

VIDE = "–"  # an empty cell (no value): what ``default_if_none`` showed


def _formateur():
    """A function giving a cell's text as ``{{ value|default_if_none:"–" }}`` would."""
    decimal_sep = get_format("DECIMAL_SEPARATOR")
    grouping, thousand_sep = get_format("NUMBER_GROUPING"), get_format("THOUSAND_SEPARATOR")

    def texte(value) -> str:
        if value is None:
            return VIDE
        if type(value) is int:
            return str(value)  # no grouping: Django's own fast path
        if isinstance(value, float | Decimal):
            return str(numberformat.format(value, decimal_sep, None, grouping, thousand_sep))
        return str(conditional_escape(value))

    return texte


@register.filter
def lignes_tableau(tableau) -> str:
    """``<tr>`` rows of ``tableau.rangees()``: label as the row header, the total row marked."""
    texte = _formateur()
    rows = tableau.rangees()
    last = len(rows) - 1
    parts = []
    for index, row in enumerate(rows):
        total = ' class="pilotage-total"' if index == last and tableau.total is not None else ""
        cells = "".join(f"<td>{texte(v)}</td>" for v in row[1:])
        parts.append(f'<tr{total}><th scope="row">{texte(row[0])}</th>{cells}</tr>')
    return mark_safe("".join(parts))  # noqa: S308 — every text is escaped by ``texte``
