"""The visitor's récapitulatif: plain French, no secret, no internal note.

The short text for SMS/e-mail follows the reminder rule (domain brief §8): no organisme, no reason,
no word « social »."""

from django.core.exceptions import FieldError
from django.utils import timezone

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
    return {
        "prochain_rdv": prochain_rendez_vous(accompagnement),
        "mds": accompagnement.mds,
        "date": accompagnement.date,
        "faits": faits,
        "a_faire": a_faire,
        "pieces": pieces,
        "oriente_travailleur_social": any(o is None for o in orientations),
        "partenaires_orientes": [o for o in orientations if o is not None],
        "partenaires": partenaires,
        "rappel": RAPPEL_MOTS_DE_PASSE,
        "texte_court": texte_court(accompagnement, faits=faits, a_faire=a_faire, pieces=pieces),
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


def texte_court(accompagnement, *, faits, a_faire, pieces) -> str:
    """SMS / e-mail text: counts and practical information only."""
    done = sum(1 for f in faits if f["resultat"] == PHRASES[Resultat.FINALISEE])
    parts = [f"MDS {accompagnement.mds.commune or accompagnement.mds.nom}, passage du {accompagnement.date:%d/%m/%Y}."]
    if done:
        parts.append(f"{done} démarche{'s' if done > 1 else ''} terminée{'s' if done > 1 else ''}.")
    if a_faire:
        parts.append(f"{len(a_faire)} à poursuivre.")
    if pieces:
        parts.append("Pensez aux documents notés sur votre récapitulatif.")
    parts.append("Gardez vos mots de passe pour vous.")
    return " ".join(parts)
