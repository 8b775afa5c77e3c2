"""Content of the monthly activity report (reads and rendering, no writes): figures → PDF
(WeasyPrint) + XLSX (openpyxl) + CSV, the content hash, the recipients.

``pilotage.services.produire`` (the write) uses it for the beat schedule (1st of the month, 06:00
Europe/Paris, previous month), for ``manage.py rapport_mensuel`` and for a request from the Rapports
page, so the figures are identical whoever produces them. The content hash is the SHA-256 of the
published figures (canonical JSON): same data → same hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging

from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import PARIS
from core.models import MDS, User
from core.permissions import roles_with

from . import charts, selectors
from .models import Destinataire, Rapport
from .periode import Perimetre, Periode, libelle_mois
from .secrecy import LEGENDE

logger = logging.getLogger(__name__)


def mois_precedent(now: dt.datetime | None = None) -> dt.date:
    today = (now or timezone.now()).astimezone(PARIS).date()
    first = today.replace(day=1)
    return (first - dt.timedelta(days=1)).replace(day=1)


def perimetre_de(mds: MDS | None) -> Perimetre:
    if mds is None:
        return Perimetre(mds=tuple(MDS.objects.filter(active=True).order_by("nom")), departement=True)
    return Perimetre(mds=(mds,))


def calculer(mois: dt.date, mds: MDS | None) -> tuple[dict, list, list]:
    """(canonical figures, tables, key figures) of a month and scope. Person tables are already
    protected by the secrecy rule (pilotage.secrecy)."""
    periode = Periode("mois", mois)
    perimetre = perimetre_de(mds)
    chiffres = selectors.chiffres_cles(periode, perimetre)
    tableaux = selectors.tableaux(periode, perimetre)
    figures = {
        "mois": f"{mois:%Y-%m}",
        "perimetre": mds.code if mds else "departement",
        "chiffres": [{"cle": c.cle, "valeur": c.valeur, "precedent": c.precedent} for c in chiffres],
        "tableaux": [{"cle": t.cle, "en_tetes": t.en_tetes(), "rangees": t.rangees()} for t in tableaux],
    }
    return figures, tableaux, chiffres


def derniere_entree(mois: dt.date, mds: MDS | None) -> int:
    """Largest session-log entry id (every version, corrections and cancellations included) dated in
    the month, for one MDS or the Département: what a report has taken into account."""
    from dateutil.relativedelta import relativedelta

    from .models import ResumeActivite

    qs = ResumeActivite.objects.filter(date__gte=mois, date__lt=mois + relativedelta(months=1))
    if mds is not None:
        qs = qs.filter(mds_id=mds.pk)
    return qs.aggregate(m=models.Max("activite_id"))["m"] or 0


def empreinte(figures: dict) -> str:
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sans_activite(chiffres) -> bool:
    values = {c.cle: c.valeur for c in chiffres}
    return not values.get("nb_accompagnements") and not values.get("heures")


METHODOLOGIE = [
    "Sources : journal de séance de la médiation (entrées courantes : ni corrigées ni annulées), "
    "rendez-vous et arrivées de l'accueil, séances d'ateliers, fiches usagers (tranches Coop).",
    "Période : du premier au dernier jour du mois (heure de Paris). Comparaison : mois précédent.",
    "Usagers distincts : personnes identifiées (référence pseudonyme) ; les accompagnements anonymes "
    "sont comptés dans l'activité, pas comme usagers. Nouvel usager : premier accompagnement dans le mois.",
    "Postures : part des étapes des démarches. Correspondance La Coop : à la place et avec → entièrement "
    "accompagné ; faire faire → partiellement autonome ; laisser faire → autonome (perte d'information).",
    "Progression de l'autonomie : usagers revenus (au moins deux accompagnements avec étapes) ; part "
    "moyenne d'étapes faites par la personne au premier accompagnement et au dernier du mois.",
    "Attente : de l'arrivée à la prise en charge, personnes venues sans rendez-vous (médiane, 90e centile).",
    "Utilisation du point de médiation : heures d'accompagnement individuel / heures d'ouverture "
    "(plages hebdomadaires, hors jours fériés et fermetures exceptionnelles).",
    "Aucun chiffre par membre du personnel : l'activité est celle d'une MDS ou du Département.",
    "Secret statistique : dans les tableaux qui comptent des personnes selon une caractéristique "
    "personnelle (genre, âge, statut, langue), les effectifs de 1 à 10 sont remplacés par « < 11 » et "
    "d'autres cases sont masquées (« s ») pour qu'aucune valeur cachée ne puisse être recalculée, même en "
    "combinant les rapports de toutes les MDS, du Département et des mois, trimestres et 12 mois (décision "
    "unique par période). Les nombres d'actes (accompagnements, démarches, rendez-vous) restent exacts. " + LEGENDE,
]


def _refuse_urls(url, *args, **kwargs):
    raise ValueError("Aucune ressource externe dans un rapport.")


# In the Département's PDF these tables keep one row per MDS; the others show the Département's
# totals (the XLSX and CSV keep every MDS row of every table).
DETAIL_PAR_MDS = {"sources", "usagers"}


def compacter(tableau):
    """The total row of a per-MDS table as a one-column table (categories as rows)."""
    from dataclasses import replace

    if tableau.total is None or tableau.entete_lignes != "MDS" or tableau.cle in DETAIL_PAR_MDS:
        return tableau
    values = tableau.total[: len(tableau.colonnes)]
    return replace(
        tableau,
        entete_lignes="Catégorie",
        colonnes=["Département"],
        lignes=[(label, [value]) for label, value in zip(tableau.colonnes, values, strict=True)],
        total=[tableau.total[-1]] if tableau.total_colonne else None,
        total_colonne=False,
    )


def rendre_pdf(rapport: Rapport, tableaux, chiffres) -> bytes:
    from weasyprint import HTML

    tableaux = [compacter(t) for t in tableaux]
    blocs = [{"tableau": t, "svg": charts.graphique(t, f"g-{t.cle}")} for t in tableaux]
    html = render_to_string(
        "pilotage/rapport_pdf.html",
        {
            "rapport": rapport,
            "mois_libelle": libelle_mois(rapport.mois),
            "chiffres": chiffres,
            "blocs": blocs,
            "methodologie": METHODOLOGIE,
            "sans_activite": rapport.sans_activite,
        },
    )
    return HTML(string=html, base_url=None, url_fetcher=_refuse_urls).write_pdf()


def premiere_feuille(rapport, chiffres) -> list[list]:
    rows = [
        [f"Rapport mensuel d'activité — {libelle_mois(rapport.mois)}"],
        [rapport.libelle_perimetre],
        [],
    ]
    if rapport.sans_activite:
        rows += [["Aucune activité enregistrée ce mois-ci."], []]
    rows.append(["Chiffre clé", "Mois", "Mois précédent"])
    rows += [[c.libelle + (f" ({c.unite})" if c.unite else ""), c.valeur, c.precedent] for c in chiffres]
    rows += [[], ["Méthodologie"]] + [[line] for line in METHODOLOGIE]
    return rows


def nom_fichier(rapport: Rapport, ext: str) -> str:
    scope = rapport.mds.code if rapport.mds_id else "departement"
    return f"rapports/{rapport.mois:%Y-%m}/rapport_{scope}_{rapport.mois:%Y-%m}_v{rapport.version}.{ext}"


def destinataires(rapport: Rapport) -> list[str]:
    """Configured recipients (admin « Destinataires des rapports »); by default the directors of the
    MDS, or the coordinateurs for the Département's report."""
    configured = list(
        Destinataire.objects.filter(actif=True, mds=rapport.mds).values_list("email", flat=True).order_by("email")
    )
    if configured:
        return configured
    users = User.objects.filter(is_active=True)
    if rapport.mds_id:
        users = users.filter(role__in=roles_with("pilotage.mds"), memberships__mds=rapport.mds)
    else:
        users = users.filter(role__in=roles_with("pilotage.departement"))
    return sorted(set(users.values_list("email", flat=True)))
