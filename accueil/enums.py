"""Choices of the reception app (codes in French ASCII, labels in French)."""

from django.db import models


class StatutRendezVous(models.TextChoices):
    A_VENIR = "a_venir", "À venir"
    HONORE = "honore", "Honoré"
    EXCUSE = "excuse", "Excusé (annulé par l'usager)"
    ANNULE = "annule", "Annulé par la MDS"
    ABSENT = "absent", "Absent"


# Statuses that still hold the slot (count for double booking and capacity).
STATUTS_ACTIFS = (StatutRendezVous.A_VENIR, StatutRendezVous.HONORE)

TRANSITIONS = {
    StatutRendezVous.A_VENIR: {
        StatutRendezVous.HONORE,
        StatutRendezVous.EXCUSE,
        StatutRendezVous.ANNULE,
        StatutRendezVous.ABSENT,
    },
    # A late visitor marked absent may still be received.
    StatutRendezVous.ABSENT: {StatutRendezVous.HONORE},
    StatutRendezVous.HONORE: set(),
    StatutRendezVous.EXCUSE: set(),
    StatutRendezVous.ANNULE: set(),
}


class CanalReservation(models.TextChoices):
    ACCUEIL = "accueil", "Accueil"
    MEDIATEUR = "mediateur", "Médiateur·rice"
    ORIENTATION = "orientation", "Orientation (travailleur social)"
    BORNE = "borne", "Borne"


class CanalRappel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    AUCUN = "aucun", "Aucun rappel"


class SourcePassage(models.TextChoices):
    ALLER_VERS = "aller_vers", "Aller vers (salle d'attente)"
    ORIENTE_PROFESSIONNEL = "oriente_professionnel", "Orienté par un professionnel"
    VENU_DIRECTEMENT = "venu_directement", "Venu directement"
    RENDEZ_VOUS = "rendez_vous", "Rendez-vous"
    BORNE = "borne", "Borne"


class Priorite(models.TextChoices):
    MOBILITE_REDUITE = "mobilite_reduite", "Mobilité réduite"
    GROSSESSE = "grossesse", "Grossesse"
    ENFANT_BAS_AGE = "enfant_bas_age", "Enfant en bas âge"
    PERSONNE_AGEE = "personne_agee", "Personne âgée"


class StatutPassage(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    APPELE = "appele", "Appelé"
    EN_CHARGE = "en_charge", "Pris en charge"
    PARTI = "parti", "Parti sans être reçu"
    REDIRIGE = "redirige", "Réorienté"


STATUTS_FILE = (StatutPassage.EN_ATTENTE, StatutPassage.APPELE)


class JourSemaine(models.IntegerChoices):
    LUNDI = 0, "Lundi"
    MARDI = 1, "Mardi"
    MERCREDI = 2, "Mercredi"
    JEUDI = 3, "Jeudi"
    VENDREDI = 4, "Vendredi"
    SAMEDI = 5, "Samedi"
    DIMANCHE = 6, "Dimanche"


class ActionHistorique(models.TextChoices):
    CREATION = "creation", "Création"
    DEPLACEMENT = "deplacement", "Déplacement"
    STATUT = "statut", "Changement de statut"
