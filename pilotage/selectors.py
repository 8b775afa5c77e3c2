"""Reads of pilotage: the figures of a dashboard or a report for a period and a scope (no writes)."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from core.models import MDS

from . import fenetres, indicators
from .periode import comparaison
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
            return "" if delta == 0 else f"+{delta:g}".replace(".", ",")  # French decimal comma
        pct = round(100 * delta / self.precedent)
        return f"{'+' if pct >= 0 else ''}{pct} %"


def premiere_activite():
    """Date of the first current session-log entry (None without activity): older months are refused."""
    from django.db.models import Min

    from .models import ResumeActivite

    rafraichir()
    return ResumeActivite.objects.filter(courante=True).aggregate(d=Min("date"))["d"]


def noms_mds(perimetre) -> dict[int, str]:
    qs = MDS.objects.filter(active=True) if perimetre.departement else MDS.objects.filter(pk__in=perimetre.ids)
    return dict(qs.order_by("nom").values_list("pk", "nom"))


@contextmanager
def sans_jit():
    """A read transaction with PostgreSQL's JIT off: these aggregates are short, and compiling them
    cost 30–40 % of the Département's time (docs/benchmarks.md)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = off")
        yield


def tableau_de_bord(periode, perimetre) -> tuple[list[ChiffreCle], list]:
    """Key figures and tables of a dashboard: one read transaction (JIT off), one rollup top-up."""
    with sans_jit():
        rafraichir()
        return _chiffres_cles(periode, perimetre, rafraichi=True), _tableaux(periode, perimetre, rafraichi=True)


def chiffres_cles(periode, perimetre) -> list[ChiffreCle]:
    with sans_jit():
        return _chiffres_cles(periode, perimetre)


def _chiffres_cles(periode, perimetre, rafraichi=False) -> list[ChiffreCle]:
    if not rafraichi:
        rafraichir()
    periode, precedente, _ = comparaison(periode)
    return [
        ChiffreCle(cle, libelle, fn(periode, perimetre), fn(precedente, perimetre), unite)
        for cle, libelle, fn, unite in indicators.CHIFFRES_CLES
        if _applicable(cle, perimetre)
    ]


def _applicable(cle, perimetre) -> bool:
    return perimetre.mediateur is None or cle in indicators.CLES_MEDIATEUR


def tableaux(periode, perimetre, cles=None) -> list:
    with sans_jit():
        return _tableaux(periode, perimetre, cles)


def _tableaux(periode, perimetre, cles=None, rafraichi=False) -> list:
    if not rafraichi:
        rafraichir()
    noms = noms_mds(perimetre)
    chosen = [i for i in indicators.INDICATEURS if (cles is None or i.cle in cles) and _applicable(i.cle, perimetre)]
    secret = fenetres.decisions(periode) if any(i.personnes for i in chosen) else {}
    return [construire(i, periode, perimetre, noms, secret.get(i.cle)) for i in chosen]


# Dashboard sections (table of contents), in reading order: (anchor, title, indicator keys).
SECTIONS = [
    ("par-mds", "Par MDS", ["par_mds"]),
    ("activite", "Activité", ["accompagnements_mois", "usagers", "sources", "mode", "temps", "duree_mediane"]),
    ("accueil", "Accueil et rendez-vous", ["arrivees", "attente", "rdv_statut", "rdv_canal", "rdv_motif", "rappels"]),
    (
        "demarches",
        "Démarches et résultats",
        ["demarches_organisme", "demarches_procedure", "resultats", "orientations"],
    ),
    ("autonomie", "Autonomie", ["postures", "postures_nombre", "progression"]),
    ("ateliers", "Ateliers et point de médiation", ["ateliers", "capacite"]),
    ("profil", "Profil des usagers", ["profil_genre", "profil_age", "profil_statut", "profil_langue"]),
]


def sections(blocs, *, par_mds_d_abord: bool = False) -> list[dict]:
    """Group dashboard blocks into sections; with several MDS the per-MDS table comes first."""
    by_key = {b["tableau"].cle: b for b in blocs}
    used, result = set(), []
    for ancre, titre, cles in SECTIONS:
        if ancre == "par-mds" and not par_mds_d_abord:
            continue
        chosen = [by_key[c] for c in cles if c in by_key and c not in used]
        used |= {b["tableau"].cle for b in chosen}
        if chosen:
            result.append({"ancre": ancre, "titre": titre, "blocs": chosen})
    rest = [b for b in blocs if b["tableau"].cle not in used]
    if rest:
        result.append({"ancre": "autres", "titre": "Autres indicateurs", "blocs": rest})
    return result


def tableau(cle, periode, perimetre):
    found = tableaux(periode, perimetre, cles={cle})
    return found[0] if found else None
