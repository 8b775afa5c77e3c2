"""Assemble the figures of a dashboard or a report for a period and a scope (reads only)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import MDS

from . import indicators, publications
from .rollup import rafraichir
from .tableaux import construire


@dataclass
class ChiffreCle:
    cle: str
    libelle: str
    valeur: object
    precedent: object
    unite: str

    @property
    def evolution(self) -> str:
        if not isinstance(self.valeur, int | float) or not isinstance(self.precedent, int | float):
            return ""
        delta = self.valeur - self.precedent
        if self.precedent == 0:
            return "" if delta == 0 else f"+{delta:g}"
        pct = round(100 * delta / self.precedent)
        return f"{'+' if pct >= 0 else ''}{pct} %"


def noms_mds(perimetre) -> dict[int, str]:
    qs = MDS.objects.filter(active=True) if perimetre.departement else MDS.objects.filter(pk__in=perimetre.ids)
    return dict(qs.order_by("nom").values_list("pk", "nom"))


def chiffres_cles(periode, perimetre) -> list[ChiffreCle]:
    rafraichir()
    precedente = periode.precedente()
    return [
        ChiffreCle(cle, libelle, fn(periode, perimetre), fn(precedente, perimetre), unite)
        for cle, libelle, fn, unite in indicators.CHIFFRES_CLES
        if _applicable(cle, perimetre)
    ]


def _applicable(cle, perimetre) -> bool:
    return perimetre.mediateur is None or cle in indicators.CLES_MEDIATEUR


def tableaux(periode, perimetre, cles=None) -> list:
    rafraichir()
    noms = noms_mds(perimetre)
    chosen = [i for i in indicators.INDICATEURS if (cles is None or i.cle in cles) and _applicable(i.cle, perimetre)]
    secret = publications.decisions(periode) if any(i.personnes for i in chosen) else {}
    return [construire(i, periode, perimetre, noms, secret.get(i.cle)) for i in chosen]


def tableau(cle, periode, perimetre):
    found = tableaux(periode, perimetre, cles={cle})
    return found[0] if found else None
