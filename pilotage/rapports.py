"""Production of the monthly activity report: figures → PDF (WeasyPrint) + XLSX (openpyxl) + CSV.

The same function runs for the beat schedule (1st of the month, 06:00 Europe/Paris, previous month),
for ``manage.py rapport_mensuel`` and for a request from the Rapports page, so the figures are
identical whoever produces them. The content hash is the SHA-256 of the published figures
(canonical JSON): same data → same hash. Regenerating keeps the previous version in history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core.dates import PARIS
from core.locks import try_advisory_lock
from core.models import MDS, User
from core.permissions import roles_with

from . import charts, exports, services
from .models import Declencheur, Destinataire, Rapport, RapportVersion, StatutRapport
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
    chiffres = services.chiffres_cles(periode, perimetre)
    tableaux = services.tableaux(periode, perimetre)
    figures = {
        "mois": f"{mois:%Y-%m}",
        "perimetre": mds.code if mds else "departement",
        "chiffres": [{"cle": c.cle, "valeur": c.valeur, "precedent": c.precedent} for c in chiffres],
        "tableaux": [{"cle": t.cle, "en_tetes": t.en_tetes(), "rangees": t.rangees()} for t in tableaux],
    }
    return figures, tableaux, chiffres


def empreinte(figures: dict) -> str:
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _sans_activite(chiffres) -> bool:
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
    "d'autres cases sont masquées (« s ») pour qu'aucune valeur cachée ne puisse être recalculée à partir "
    "des totaux. Les nombres d'actes (accompagnements, démarches, rendez-vous) restent exacts. " + LEGENDE,
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


def _premiere_feuille(rapport, chiffres) -> list[list]:
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


def _nom(rapport: Rapport, ext: str) -> str:
    scope = rapport.mds.code if rapport.mds_id else "departement"
    return f"rapports/{rapport.mois:%Y-%m}/rapport_{scope}_{rapport.mois:%Y-%m}_v{rapport.version}.{ext}"


def _avancer(rapport: Rapport, progression: int, etape: str, **fields) -> None:
    fields.update(progression=progression, etape=etape)
    Rapport.objects.filter(pk=rapport.pk).update(**fields)
    for key, value in fields.items():
        setattr(rapport, key, value)


def demander(*, mois: dt.date, mds: MDS | None, declencheur: str, par=None, enqueue: bool = True) -> Rapport:
    """Create or reset the report of a month and scope as queued, then enqueue its production."""
    from .tasks import produire_rapport

    with transaction.atomic():
        rapport, _ = Rapport.objects.select_for_update().get_or_create(mois=mois, mds=mds)
        if rapport.statut != StatutRapport.EN_COURS:
            rapport.statut = StatutRapport.EN_ATTENTE
            rapport.progression = 0
            rapport.etape = "En attente du traitement"
            rapport.erreur = ""
        rapport.demande_le = timezone.now()
        rapport.demande_par = par
        rapport.save()
        if enqueue:
            produire_rapport.delay_on_commit(rapport.pk, declencheur)
    return rapport


def produire(rapport_id: int, *, declencheur: str = Declencheur.ECRAN, notifier: bool | None = None) -> Rapport | None:
    """Compute and store the report (idempotent: same data → same figures and hash). Returns None when
    another process is producing the same report right now."""
    with try_advisory_lock(f"pilotage.rapport:{rapport_id}") as acquired:
        if not acquired:
            return None
        return _produire(rapport_id, declencheur, notifier)


def _produire(rapport_id, declencheur, notifier):
    rapport = Rapport.objects.select_related("mds").get(pk=rapport_id)
    started = time.monotonic()
    _avancer(rapport, 5, "Calcul des indicateurs", statut=StatutRapport.EN_COURS, erreur="")
    try:
        figures, tableaux, chiffres = calculer(rapport.mois, rapport.mds)
        rapport.sans_activite = _sans_activite(chiffres)
        _avancer(rapport, 45, "Mise en page du PDF")
        pdf = rendre_pdf(rapport, tableaux, chiffres)
        _avancer(rapport, 75, "Classeur XLSX")
        contexte = f"{rapport.libelle_perimetre} — {libelle_mois(rapport.mois)}"
        xlsx = exports.xlsx_tableaux(tableaux, contexte, _premiere_feuille(rapport, chiffres))
        _avancer(rapport, 90, "Fichier CSV")
        csv_bytes = exports.csv_long(tableaux, {"periode": f"{rapport.mois:%Y-%m}", "perimetre": figures["perimetre"]})
        with transaction.atomic():
            locked = Rapport.objects.select_for_update().get(pk=rapport.pk)
            if locked.version and locked.genere_le:
                RapportVersion.objects.create(
                    rapport=locked,
                    version=locked.version,
                    empreinte=locked.empreinte,
                    genere_le=locked.genere_le,
                    declencheur=locked.declencheur,
                    pdf=locked.pdf.name,
                    xlsx=locked.xlsx.name,
                    csv=locked.csv.name,
                )
            locked.version += 1
            rapport.version = locked.version
            locked.pdf.save(_nom(rapport, "pdf"), ContentFile(pdf), save=False)
            locked.xlsx.save(_nom(rapport, "xlsx"), ContentFile(xlsx), save=False)
            locked.csv.save(_nom(rapport, "csv"), ContentFile(csv_bytes), save=False)
            locked.chiffres = json.loads(json.dumps(figures, default=str))
            locked.empreinte = empreinte(figures)
            locked.sans_activite = rapport.sans_activite
            locked.statut = StatutRapport.TERMINE
            locked.progression = 100
            locked.etape = "Terminé"
            locked.declencheur = declencheur
            locked.genere_le = timezone.now()
            locked.duree_secondes = round(time.monotonic() - started, 2)
            locked.save()
        rapport = locked
    except Exception as error:
        logger.exception("rapport_echec", extra={"rapport_id": rapport.pk})
        _avancer(rapport, rapport.progression, "Échec", statut=StatutRapport.ECHEC, erreur=type(error).__name__[:200])
        raise
    if notifier if notifier is not None else declencheur != Declencheur.ECRAN:
        prevenir(rapport)
    return rapport


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


def prevenir(rapport: Rapport) -> int:
    """E-mail a LINK to the Rapports page (never the file: the report stays behind the login)."""
    recipients = destinataires(rapport)
    if not recipients:
        return 0
    link = settings.SITE_URL.rstrip("/") + reverse("pilotage:rapports") + f"?mois={rapport.mois:%Y-%m}"
    subject = f"Rapport d'activité de {libelle_mois(rapport.mois)} — {rapport.libelle_perimetre}"
    body = (
        f"Bonjour,\n\nLe rapport mensuel d'activité de {libelle_mois(rapport.mois)} "
        f"({rapport.libelle_perimetre}) est disponible sur MDS connectée :\n{link}\n\n"
        "Une connexion est nécessaire pour le télécharger (PDF, XLSX, CSV).\n"
        + ("Aucune activité n'a été enregistrée ce mois-ci.\n" if rapport.sans_activite else "")
        + "\nCe message est envoyé automatiquement."
    )
    sent = 0
    for email in recipients:
        sent += send_mail(subject, body, None, [email])
    Rapport.objects.filter(pk=rapport.pk).update(destinataires_prevenus_le=timezone.now())
    return sent
