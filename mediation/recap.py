"""The visitor's récapitulatif: plain French, no secret, no internal note.

The short text for SMS/e-mail follows the reminder rule (domain brief §8): no organisme, no reason,
no démarche name, no word « social » — only where to find the paper récapitulatif, the next
appointment, a reminder to bring the documents and to keep one's passwords. It is the ``texte`` of
the notifications message ``Kind.RECAPITULATIF`` (the message adds the date and the MDS address)."""

from django.core.exceptions import FieldError
from django.utils import timezone

from notifications.content import RECAP_MAX, format_date, normalize_language

from .enums import RESULTATS_OUVERTS, Resultat, SensOrientation
from .models import Partenaire

PHRASES = {
    Resultat.FINALISEE: "C'est fait",
    Resultat.A_FINALISER: "À terminer vous-même (vous savez comment faire)",
    Resultat.DOIT_REVENIR: "À continuer lors d'une prochaine visite",
    Resultat.ORIENTEE: "Vous êtes orienté·e vers une autre personne ou structure",
    Resultat.ABANDONNEE: "Pas poursuivi aujourd'hui",
}
RAPPEL_MOTS_DE_PASSE = (
    "Vos mots de passe et identifiants sont à vous : gardez-les vous-même (carnet personnel rangé chez vous, "
    "coffre-fort numérique). Ne les donnez à personne, même pas à la MDS. Un organisme ne vous demandera "
    "jamais votre mot de passe par SMS, e-mail ou téléphone."
)
FORBIDDEN_IN_SMS = ("social", "sociale", "caf", "cpam", "ameli", "impot", "rsa", "dalo", "surendettement")


def _demarche_text(realisee) -> str:
    demarche = realisee.demarche
    if demarche.organisme_id:
        return f"{demarche.organisme.nom} : {demarche.libelle}"
    return demarche.libelle


def recapitulatif(accompagnement) -> dict:
    faits, a_faire, pieces = [], [], []
    orientations = []
    for realisee in accompagnement.demarches.all():
        text = _demarche_text(realisee)
        line = {"demarche": text, "resultat": PHRASES.get(realisee.resultat, ""), "reference": ""}
        if realisee.reference_dossier:
            line["reference"] = realisee.reference_dossier
        faits.append(line)
        if realisee.resultat in RESULTATS_OUVERTS:
            a_faire.append(text)
            pieces.extend(p.libelle for p in realisee.pieces.all() if not p.fournie)
        if realisee.resultat == Resultat.ORIENTEE:
            for orientation in realisee.orientations.all():
                if orientation.sens == SensOrientation.VERS_PARTENAIRE and orientation.partenaire_id:
                    orientations.append(orientation.partenaire)
                elif orientation.sens == SensOrientation.VERS_TRAVAILLEUR_SOCIAL:
                    orientations.append(None)
    partenaires = list(Partenaire.objects.for_mds(accompagnement.mds_id).filter(actif=True)[:5])
    pieces = list(dict.fromkeys(pieces))
    prochain_rdv = prochain_rendez_vous(accompagnement)
    return {
        "texte_court": texte_message(
            language="fr", prochain_debut=prochain_rdv.debut if prochain_rdv else None, documents=bool(pieces)
        ),
        "prochain_rdv": prochain_rdv,
        "mds": accompagnement.mds,
        "date": accompagnement.date,
        "faits": faits,
        "a_faire": a_faire,
        "pieces": pieces,
        "oriente_travailleur_social": any(o is None for o in orientations),
        "partenaires_orientes": [o for o in orientations if o is not None],
        "partenaires": partenaires,
        "rappel": RAPPEL_MOTS_DE_PASSE,
    }


def prochain_rendez_vous(accompagnement):
    """Next appointment of the visitor, when the appointments app provides them (accueil)."""
    if accompagnement.usager_id is None:
        return None
    try:
        from accueil.models import RendezVous
    except ImportError:
        return None
    try:
        return (
            RendezVous.objects.filter(
                mds_id=accompagnement.mds_id, usager_id=accompagnement.usager_id, debut__gte=timezone.now()
            )
            .actifs()
            .order_by("debut")
            .first()
        )
    except (AttributeError, FieldError):
        return None


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
