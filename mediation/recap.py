"""The visitor's récapitulatif: plain French, no secret, no internal note.

The short text for SMS/e-mail follows the reminder rule (domain brief §8): no organisme, no reason,
no démarche name, no word « social » — only where to find the paper récapitulatif, the next
appointment, a reminder to bring the documents and to keep one's passwords. It is the ``texte`` of
the message ``mediation.notifications.Kind.RECAPITULATIF`` (the message adds the date and the MDS
address); ``texte_message`` lives there."""

from .enums import RESULTATS_OUVERTS, Resultat, SensOrientation
from .models import Partenaire
from .notifications import prochain_rendez_vous, texte_message

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
    prochain_debut = prochain_rendez_vous(accompagnement)
    return {
        "texte_court": texte_message(language="fr", prochain_debut=prochain_debut, documents=bool(pieces)),
        "prochain_debut": prochain_debut,
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
