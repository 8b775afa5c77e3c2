"""The récapitulatif sent to the visitor, declared to the notifications outbox (kind, texts,
relevance) by ``register()`` in ``AppConfig.ready()``; the send itself is the service
``mediation.services.envoyer_recapitulatif``.

The short text follows the reminder rule (domain brief §8): no organisme, no reason, no démarche
name, no word « social » — the message adds the date and the MDS address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from core.dates import PARIS
from notifications import registry
from notifications.contacts import contact_for, opted_out
from notifications.content import RECAP_MAX, format_date, normalize_language
from notifications.enums import Channel, Status
from notifications.models import Message
from usagers.hooks import next_appointment

from .enums import RESULTATS_OUVERTS
from .models import PieceDemandee


class Kind(models.TextChoices):
    RECAPITULATIF = "recapitulatif", "Récapitulatif"


# {date} {lieu} {texte}
TEXTS = {  # kind: {language: (e-mail subject, body)}
    Kind.RECAPITULATIF: {
        "fr": ("Récapitulatif de votre passage", "Votre passage du {date}, {lieu} : {texte}"),
        "en": ("Summary of your visit", "Your visit on {date}, {lieu}: {texte}"),
        "ar": ("ملخص زيارتك", "زيارتك يوم {date} في {lieu}: {texte}"),
    },
}


def register() -> None:
    """Called by ``MediationConfig.ready()``."""
    registry.register_kinds(Kind, TEXTS, free_text=[Kind.RECAPITULATIF])
    registry.register_relevance("mediation.Accompagnement", still_relevant, kinds=[Kind.RECAPITULATIF])


def still_relevant(accompagnement, message, now) -> bool:
    """Relevance check for the dispatcher: the récapitulatif of an accompaniment that still exists
    is sent; one deleted as a mistake is cancelled (the registry cancels a message whose object is
    gone once a check is registered)."""
    return True


@dataclass(frozen=True)
class EnvoiRecapitulatif:
    """What the « Accompagnement enregistré » page offers: a channel to send on (``canal``), or
    why not (``raison``), and the message already planned or sent (``message``)."""

    canal: str = ""
    raison: str = ""
    message: Message | None = None

    @property
    def canal_label(self) -> str:
        return Channel(self.canal).label if self.canal else ""


def recapitulatif_message(accompagnement) -> Message | None:
    """The récapitulatif message of this accompaniment that still counts (not cancelled)."""
    return (
        Message.objects.for_object(accompagnement)
        .filter(kind=Kind.RECAPITULATIF)
        .exclude(status=Status.ANNULE)
        .order_by("-pk")
        .first()
    )


def envoi_recapitulatif(accompagnement) -> EnvoiRecapitulatif:
    """Can the récapitulatif be sent to the visitor, on which channel — or why not."""
    usager = accompagnement.usager
    if usager is None:
        return EnvoiRecapitulatif(
            raison="Accompagnement anonyme : pas d'envoi possible. Remettez le récapitulatif imprimé."
        )
    message = recapitulatif_message(accompagnement)
    if opted_out(usager):
        return EnvoiRecapitulatif(
            raison="La personne ne souhaite pas recevoir de messages (refus enregistré sur sa fiche).",
            message=message,
        )
    contact = contact_for(usager)
    if contact is None:
        if usager.canal_contact == Channel.SMS:
            raison = "Pas de numéro de portable sur la fiche de la personne (canal de contact : SMS)."
        elif usager.canal_contact == Channel.EMAIL:
            raison = "Pas d'adresse e-mail sur la fiche de la personne (canal de contact : e-mail)."
        else:
            raison = "Aucun canal de contact sur la fiche de la personne."
        return EnvoiRecapitulatif(raison=raison + " Remettez le récapitulatif imprimé.", message=message)
    return EnvoiRecapitulatif(canal=contact[0], message=message)


def prochain_rendez_vous(accompagnement):
    """Start of the visitor's next appointment (from the app that books them, through
    ``usagers.hooks.next_appointment``), or None."""
    return next_appointment(mds_id=accompagnement.mds_id, usager_id=accompagnement.usager_id, after=timezone.now())


def recapitulatif_context(accompagnement, *, language: str) -> dict:
    """Context of the ``Kind.RECAPITULATIF`` message: only keys allowed by notifications.content
    (date of the sitting, MDS name, address and phone, and the plain ``texte``)."""
    documents = PieceDemandee.objects.filter(
        demarche_realisee__accompagnement=accompagnement,
        demarche_realisee__resultat__in=RESULTATS_OUVERTS,
        fournie=False,
    ).exists()
    mds = accompagnement.mds
    debut = dt.datetime.combine(accompagnement.date, accompagnement.debut, tzinfo=PARIS)
    return {
        "debut": debut.isoformat(),
        "mds_nom": mds.nom,
        "mds_adresse": mds.adresse_complete,
        "mds_telephone": mds.telephone,
        "texte": texte_message(
            language=language, prochain_debut=prochain_rendez_vous(accompagnement), documents=documents
        ),
    }


# (intro, next appointment, documents, passwords) per language. Never an organisme, a démarche,
# a reason or the word « social » (notifications.content refuses them anyway).
MESSAGE_PARTS = {
    "fr": (
        "Récapitulatif disponible à l'accueil.",
        " Prochain rendez-vous : {date} à {heure}.",
        " Apportez les documents demandés.",
        " Gardez vos mots de passe pour vous.",
    ),
    "en": (
        "Summary available at the reception desk.",
        " Next appointment: {date} at {heure}.",
        " Bring the requested documents.",
        " Keep your passwords to yourself.",
    ),
    "ar": (
        "ملخصك متوفر في الاستقبال.",
        " موعدك القادم: {date} الساعة {heure}.",
        " أحضر الوثائق المطلوبة.",
        " احتفظ بكلمات المرور لنفسك.",
    ),
}


def texte_message(*, language: str, prochain_debut=None, documents: bool = False) -> str:
    """Text of the récapitulatif SMS / e-mail (≤ ``RECAP_MAX`` characters, so never cut).

    The intro and the next appointment always; then the password reminder, then the documents
    reminder, each only if it still fits."""
    language = normalize_language(language)
    intro, rdv, docs, mdp = MESSAGE_PARTS[language]
    rdv_text = ""
    if prochain_debut is not None:
        date, heure = format_date(prochain_debut, language)
        rdv_text = rdv.format(date=date, heure=heure)
    length = len(intro) + len(rdv_text)
    keep = {}
    for key, part in (("mdp", mdp), ("docs", docs if documents else "")):
        if part and length + len(part) <= RECAP_MAX:
            keep[key] = part
            length += len(part)
    return intro + rdv_text + keep.get("docs", "") + keep.get("mdp", "")
