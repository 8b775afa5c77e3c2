"""Codes of the ateliers app. Thématiques reuse La Coop de la médiation numérique's codes so that
exports compare (domain brief §4)."""

from django.db import models


class Thematique(models.TextChoices):
    DIAGNOSTIC_NUMERIQUE = "diagnostic_numerique", "Diagnostic numérique"
    PRENDRE_EN_MAIN_DU_MATERIEL = "prendre_en_main_du_materiel", "Prendre en main du matériel"
    NAVIGATION_SUR_INTERNET = "navigation_sur_internet", "Navigation sur internet"
    EMAIL = "email", "E-mail"
    BUREAUTIQUE = "bureautique", "Bureautique"
    RESEAUX_SOCIAUX = "reseaux_sociaux", "Réseaux sociaux et communication"
    SANTE = "sante", "Santé"
    BANQUE_ET_ACHATS_EN_LIGNE = "banque_et_achats_en_ligne", "Banque et achats en ligne"
    INSERTION_PROFESSIONNELLE = "insertion_professionnelle", "Insertion professionnelle"
    SECURITE_NUMERIQUE = "securite_numerique", "Prévention et sécurité numérique"
    PARENTALITE = "parentalite", "Parentalité"
    SCOLARITE_ET_NUMERIQUE = "scolarite_et_numerique", "Scolarité et numérique"
    CULTURE_NUMERIQUE = "culture_numerique", "Culture numérique"
    DEMARCHES_EN_LIGNE = "aide_aux_demarches_administratives", "Aide aux démarches administratives"


class Niveau(models.TextChoices):
    DEBUTANT = "debutant", "Débutant"
    INTERMEDIAIRE = "intermediaire", "Intermédiaire"
    AVANCE = "avance", "Avancé"


class Format(models.TextChoices):
    INDIVIDUEL = "individuel", "Individuel (série de séances avec une personne)"
    COLLECTIF = "collectif", "Collectif"


class Public(models.TextChoices):
    USAGERS = "usagers", "Usagers"
    PROFESSIONNELS = "professionnels", "Professionnels des MDS"


class Equipement(models.TextChoices):
    ORDINATEUR = "ordinateur", "Ordinateur"
    TELEPHONE = "telephone", "Téléphone (apporté par la personne)"
    TABLETTE = "tablette", "Tablette"
    AUCUN = "aucun", "Aucun"


class StatutSeance(models.TextChoices):
    PLANIFIEE = "planifiee", "Planifiée"
    TENUE = "tenue", "Tenue"
    ANNULEE = "annulee", "Annulée"


class MotifAnnulation(models.TextChoices):
    MINIMUM_NON_ATTEINT = "minimum_non_atteint", "Trop peu de participants"
    CONVERSION_INDIVIDUEL = "conversion_individuel", "Convertie en séances individuelles"
    ANIMATEUR_INDISPONIBLE = "animateur_indisponible", "Animateur·rice indisponible"
    FERMETURE = "fermeture", "Fermeture de la MDS"
    AUTRE = "autre", "Autre raison"


class StatutInscription(models.TextChoices):
    INSCRIT = "inscrit", "Inscrit·e"
    ATTENTE = "attente", "Liste d'attente"
    ANNULEE = "annulee", "Désinscrit·e"


class Presence(models.TextChoices):
    NON_RENSEIGNE = "", "Non renseigné"
    PRESENT = "present", "Présent·e"
    ABSENT = "absent", "Absent·e"


class TypeEvenement(models.TextChoices):
    INSCRIPTION = "inscription", "Inscription"
    MISE_EN_ATTENTE = "mise_en_attente", "Mise en liste d'attente"
    DESINSCRIPTION = "desinscription", "Désinscription"
    PROMOTION = "promotion", "Promotion depuis la liste d'attente"
    ALERTE_MINIMUM = "alerte_minimum", "Minimum de participants non atteint"
    ANNULATION = "annulation", "Séance annulée"
    ANNULATION_INSCRIT = "annulation_inscrit", "Inscrit·e prévenu·e de l'annulation"
    CONVERSION = "conversion", "Convertie en séances individuelles"
    CAPACITE = "capacite", "Capacité modifiée"
    CLOTURE = "cloture", "Émargement clôturé"
