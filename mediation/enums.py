"""Codes of the mediation desk. Where La Coop de la médiation numérique has a code, it is reused so
exports compare (domain brief §4)."""

from django.db import models


class Posture(models.TextChoices):
    A_LA_PLACE = "a_la_place", "Faire à la place"
    AVEC = "avec", "Faire avec"
    FAIRE_FAIRE = "faire_faire", "Faire faire"
    AUTONOME = "autonome", "Laisser faire"


# Lossy mapping to the Coop's autonomy enum (documented in docs/mediation.md).
POSTURE_TO_COOP_AUTONOMIE = {
    Posture.A_LA_PLACE: "entierement_accompagne",
    Posture.AVEC: "entierement_accompagne",
    Posture.FAIRE_FAIRE: "partiellement_autonome",
    Posture.AUTONOME: "autonome",
}
POSTURES_AUTONOMES = (Posture.FAIRE_FAIRE, Posture.AUTONOME)


class Resultat(models.TextChoices):
    FINALISEE = "finalisee", "Finalisée"
    A_FINALISER = "a_finaliser_en_autonomie", "À finaliser en autonomie"
    DOIT_REVENIR = "doit_revenir", "Doit revenir"
    ORIENTEE = "orientee", "Orientée"
    ABANDONNEE = "abandonnee", "Abandonnée"


RESULTATS_OUVERTS = (Resultat.DOIT_REVENIR, Resultat.A_FINALISER)


class Source(models.TextChoices):
    ALLER_VERS = "aller_vers", "Aller vers (salle d'attente)"
    ORIENTE = "oriente_professionnel", "Orienté·e par un professionnel"
    DIRECT = "venu_directement", "Venu·e directement"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous"
    BORNE = "borne", "Borne"


class TypeLieu(models.TextChoices):
    LIEU_ACTIVITE = "lieu_activite", "À la MDS"
    DOMICILE = "domicile", "À domicile"
    A_DISTANCE = "a_distance", "À distance"
    AUTRE = "autre", "Autre lieu"


class Materiel(models.TextChoices):
    ORDINATEUR = "ordinateur", "Ordinateur"
    TELEPHONE = "telephone", "Téléphone"
    TABLETTE = "tablette", "Tablette"
    AUTRE = "autre", "Autre"
    AUCUN = "aucun", "Aucun"


class Etape(models.TextChoices):
    """Typical steps of an online démarche (domain brief §4), in their usual order."""

    IDENTIFICATION = "identification", "Identification / connexion"
    CREATION_EMAIL = "creation_email", "Création d'une adresse e-mail"
    NAVIGATION = "navigation", "Navigation sur le site"
    SAISIE = "saisie", "Saisie du formulaire"
    PIECES = "pieces_justificatives", "Numérisation et envoi des pièces"
    VERIFICATION = "verification", "Vérification"
    VALIDATION = "validation_envoi", "Validation / envoi"
    JUSTIFICATIF = "justificatif", "Impression / téléchargement du justificatif"
    PRISE_RDV = "prise_rendez_vous", "Prise de rendez-vous"
    LECTURE_MESSAGES = "lecture_messages", "Lecture des messages"
    INSTALLATION = "installation", "Installation / paramétrage"
    MANIPULATION = "manipulation", "Prise en main / manipulation"


ETAPE_ORDER = {code: index for index, code in enumerate(Etape.values)}


class Consentement(models.TextChoices):
    VERIFIE = "accord_verifie", "La personne a donné son accord et a vérifié les informations"
    NON_VERIFIABLE = (
        "accord_sans_verification",
        "La personne a donné son accord mais n'a pas pu vérifier (ex. ne lit pas le français)",
    )


class DureePreset(models.IntegerChoices):
    M15 = 15, "15 min"
    M30 = 30, "30 min"
    M45 = 45, "45 min"
    M60 = 60, "1 h"
    M90 = 90, "1 h 30"
    M120 = 120, "2 h"


class Nature(models.TextChoices):
    """Kind of a session-log entry."""

    ACCOMPAGNEMENT = "accompagnement", "Accompagnement individuel"
    ATELIER_INDIVIDUEL = "atelier_individuel", "Atelier individuel"
    ATELIER_COLLECTIF = "atelier_collectif", "Atelier collectif"


class SensOrientation(models.TextChoices):
    VERS_MEDIATION = "vers_mediation", "Vers la médiation numérique"
    VERS_TRAVAILLEUR_SOCIAL = "vers_travailleur_social", "Vers un·e travailleur·se social·e"
    VERS_PARTENAIRE = "vers_partenaire", "Vers une structure partenaire"


class OriginePartenaire(models.TextChoices):
    MANUEL = "manuel", "Saisie manuelle"
    DATA_INCLUSION = "data_inclusion", "data·inclusion"


class StatutOrientation(models.TextChoices):
    ENVOYEE = "envoyee", "Envoyée"
    ACCEPTEE = "acceptee", "Acceptée"
    TRAITEE = "traitee", "Traitée"
    CLOSE = "close", "Close"


# Allowed status moves of an orientation (the receiver moves it forward; the sender may close it).
TRANSITIONS = {
    StatutOrientation.ENVOYEE: (StatutOrientation.ACCEPTEE, StatutOrientation.TRAITEE, StatutOrientation.CLOSE),
    StatutOrientation.ACCEPTEE: (StatutOrientation.TRAITEE, StatutOrientation.CLOSE),
    StatutOrientation.TRAITEE: (StatutOrientation.CLOSE,),
    StatutOrientation.CLOSE: (),
}
