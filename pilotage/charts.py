"""Server-side SVG charts: no JavaScript, no external host, print-ready (also embedded in the PDF).

Each chart is decorative for assistive technologies only in the sense that the SAME data is in the
table next to it; it still carries ``role="img"`` and a text alternative (``<title>``/``<desc>``).
Masked values (statistical secrecy) are drawn as an empty outline labelled "masqué"."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .periode import abreger_mois

BLEU = "#0b4f7c"
GRIS = "#505f6b"


def _nombre(value) -> str:
    if value is None:
        return "masqué"
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return f"{value:,}".replace(",", "\u202f")


def barres(serie, titre: str, ident: str, unite: str = "") -> str:
    """Horizontal bars, one per category (label, value or None)."""
    serie = list(serie)
    label_width, bar_width, row, top = 230, 360, 26, 8
    width = label_width + bar_width + 90
    height = top + row * max(len(serie), 1) + 8
    maximum = max([v for _, v in serie if isinstance(v, int | float)] + [0]) or 1
    parts = [
        f'<svg class="pilotage-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" focusable="false">',
        f'<title id="{ident}-t">{escape(titre)}</title>',
        f'<desc id="{ident}-d">Graphique en barres ; les mêmes données figurent dans le tableau associé.</desc>',
    ]
    for k, (label, value) in enumerate(serie):
        y = top + k * row
        text = escape(str(label))
        if len(text) > 34:
            text = text[:33] + "…"
        parts.append(f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" class="chart-label">{text}</text>')
        if value is None:
            parts.append(
                f'<rect x="{label_width}" y="{y + 4}" width="40" height="{row - 8}" fill="none" '
                f'stroke="{GRIS}" stroke-dasharray="3 2"/>'
            )
            end = label_width + 40
        else:
            length = max(0.0, float(value)) / maximum * bar_width
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" fill="{BLEU}"/>')
            end = label_width + length
        suffix = f" {unite}" if unite == "%" and value is not None else ""
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 17}" class="chart-value">{_nombre(value)}{suffix}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text node is escaped above


def courbe(serie, titre: str, ident: str, unite: str = "") -> str:
    """Columns over time (months), with the value above each column."""
    serie = list(serie)
    left, bottom, top = 10, 46, 22
    step = 56
    width = left + step * max(len(serie), 1) + 10
    plot = 180
    height = top + plot + bottom
    maximum = max([v for _, v in serie if isinstance(v, int | float)] + [0]) or 1
    parts = [
        f'<svg class="pilotage-chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" focusable="false">',
        f'<title id="{ident}-t">{escape(titre)}</title>',
        f'<desc id="{ident}-d">Évolution mois par mois ; les mêmes données figurent dans le tableau associé.</desc>',
        f'<line x1="{left}" y1="{top + plot}" x2="{width - 5}" y2="{top + plot}" stroke="{GRIS}"/>',
    ]
    for k, (label, value) in enumerate(serie):
        x = left + k * step + 8
        if value is None:
            parts.append(
                f'<rect x="{x}" y="{top + plot - 20}" width="{step - 16}" height="20" fill="none" '
                f'stroke="{GRIS}" stroke-dasharray="3 2"/>'
            )
            h = 20
        else:
            h = max(0.0, float(value)) / maximum * plot
            parts.append(f'<rect x="{x}" y="{top + plot - h:.1f}" width="{step - 16}" height="{h:.1f}" fill="{BLEU}"/>')
        parts.append(
            f'<text x="{x + (step - 16) / 2:.1f}" y="{top + plot - h - 5:.1f}" text-anchor="middle" '
            f'class="chart-value">{_nombre(value)}</text>'
        )
        words = abreger_mois(label).split(" ")
        parts.append(
            f'<text x="{x + (step - 16) / 2:.1f}" y="{top + plot + 16}" text-anchor="middle" class="chart-label">'
            f"{escape(words[0])}</text>"
        )
        if len(words) > 1:
            parts.append(
                f'<text x="{x + (step - 16) / 2:.1f}" y="{top + plot + 32}" text-anchor="middle" '
                f'class="chart-label">{escape(words[-1])}</text>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def graphique(tableau, ident: str) -> str:
    if not tableau.graphique or not tableau.serie_graphique:
        return ""
    draw = courbe if tableau.graphique == "courbe" else barres
    return draw(tableau.serie_graphique, tableau.titre, ident, tableau.unite)
