"""Writes of pilotage: prepare, produce and announce the monthly activity reports.

Public functions take keyword arguments only, run in ``transaction.atomic`` and never enqueue a
task (``pilotage.tasks`` enqueues, then calls back here: tasks → services, never the reverse)."""

from __future__ import annotations

import datetime as dt
import json
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.locks import try_advisory_lock
from core.models import MDS

from . import exports, perimes, rapports
from .models import Declencheur, Rapport, RapportVersion, StatutRapport
from .periode import PARIS, libelle_mois
from .rollup import rafraichir

logger = logging.getLogger(__name__)


def preparer(*, mois: dt.date, mds: MDS | None, par=None) -> Rapport:
    """Create or reset the report of a month and scope as queued (the caller enqueues it)."""
    with transaction.atomic():
        rapport, _ = Rapport.objects.select_for_update().get_or_create(mois=mois, mds=mds)
        if rapport.statut != StatutRapport.EN_COURS:
            rapport.statut = StatutRapport.EN_ATTENTE
            rapport.progression = 0
            rapport.etape = "En attente du traitement"
            rapport.erreur = ""
        rapport.demande_le = timezone.now()
        rapport.demande_par = par
        rapport.full_clean()
        rapport.save()
    return rapport


def fin_du_mois(mois: dt.date) -> dt.datetime:
    return dt.datetime.combine((mois.replace(day=28) + dt.timedelta(days=4)).replace(day=1), dt.time.min, tzinfo=PARIS)


def preparer_mois(*, mois: dt.date | None = None) -> list[Rapport]:
    """Queue the month's report (default: the previous month) of every active MDS and of the
    Département. Idempotent: a report already requested after the month ended (queued, running or
    done) is left alone — re-running for a month after a missed schedule is safe."""
    month = mois or rapports.mois_precedent()
    month_end = fin_du_mois(month)
    prepared = []
    for mds in [None, *MDS.objects.filter(active=True).order_by("nom")]:
        existing = Rapport.objects.filter(mois=month, mds=mds).first()
        if (
            existing
            and existing.statut != StatutRapport.ECHEC
            and existing.demande_le
            and existing.demande_le >= month_end
        ):
            continue
        prepared.append(preparer(mois=month, mds=mds))
    return prepared


def preparer_perimes() -> list[Rapport]:
    """Queue again every produced report whose month received a session-log entry (a correction,
    a cancellation, a late entry) after it was produced, or whose appointments, passages, séances,
    reminder SMS or visitors' records of that month changed since (``perimes``) — the MDS's report
    and the Département's report alike, so they never contradict each other. The previous version
    is kept."""
    rafraichir()
    touched = perimes.rapports_touches()
    stale = [
        r
        for r in Rapport.objects.filter(statut=StatutRapport.TERMINE).select_related("mds")
        if r.pk in touched or r.perime
    ]
    return [preparer(mois=r.mois, mds=r.mds) for r in stale]


def produire(*, rapport_id: int, declencheur: str = Declencheur.ECRAN, notifier: bool | None = None) -> Rapport | None:
    """Compute and store the report (idempotent: same data → same figures and hash; the previous
    version is kept). Returns None when another process is producing the same report right now."""
    with try_advisory_lock(f"pilotage.rapport:{rapport_id}") as acquired:
        if not acquired:
            return None
        return _produire(rapport_id, declencheur, notifier)


def _avancer(rapport: Rapport, progression: int, etape: str, **fields) -> None:
    fields.update(progression=progression, etape=etape)
    Rapport.objects.filter(pk=rapport.pk).update(**fields)
    for key, value in fields.items():
        setattr(rapport, key, value)


def _produire(rapport_id, declencheur, notifier):
    rapport = Rapport.objects.select_related("mds").get(pk=rapport_id)
    # The production's start, exactly: ``perimes`` treats a source row changed after it as unseen
    # (a duration rounded to 10 ms once put a change made just before the run after it).
    started = timezone.now()
    _avancer(rapport, 5, "Calcul des indicateurs", statut=StatutRapport.EN_COURS, erreur="")
    try:
        rafraichir()
        watermark = rapports.derniere_entree(rapport.mois, rapport.mds)
        figures, tableaux, chiffres = rapports.calculer(rapport.mois, rapport.mds)
        rapport.version += 1  # the version being produced (the cover says « Version 1 » for v1)
        rapport.sans_activite = rapports.sans_activite(chiffres)
        _avancer(rapport, 45, "Mise en page du PDF")
        pdf = rapports.rendre_pdf(rapport, tableaux, chiffres)
        _avancer(rapport, 75, "Classeur XLSX")
        contexte = f"{rapport.libelle_perimetre} — {libelle_mois(rapport.mois)}"
        xlsx = exports.xlsx_tableaux(tableaux, contexte, rapports.premiere_feuille(rapport, chiffres))
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
            locked.pdf.save(rapports.nom_fichier(rapport, "pdf"), ContentFile(pdf), save=False)
            locked.xlsx.save(rapports.nom_fichier(rapport, "xlsx"), ContentFile(xlsx), save=False)
            locked.csv.save(rapports.nom_fichier(rapport, "csv"), ContentFile(csv_bytes), save=False)
            locked.chiffres = json.loads(json.dumps(figures, default=str))
            locked.empreinte = rapports.empreinte(figures)
            locked.sans_activite = rapport.sans_activite
            locked.journal_jusqu_a = watermark
            locked.statut = StatutRapport.TERMINE
            locked.progression = 100
            locked.etape = "Terminé"
            locked.declencheur = declencheur
            locked.genere_le = timezone.now()
            locked.duree_secondes = (locked.genere_le - started).total_seconds()
            locked.save()
        rapport = locked
    except Exception as error:
        logger.exception("rapport_echec", extra={"rapport_id": rapport.pk})
        _avancer(rapport, rapport.progression, "Échec", statut=StatutRapport.ECHEC, erreur=type(error).__name__[:200])
        raise
    if notifier if notifier is not None else declencheur != Declencheur.ECRAN:
        prevenir(rapport=rapport)
    return rapport


def prevenir(*, rapport: Rapport) -> int:
    """E-mail a LINK to the Rapports page (never the file: the report stays behind the login)."""
    recipients = rapports.destinataires(rapport)
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
