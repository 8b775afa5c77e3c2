"""Visitor bands: La Coop de la médiation numérique's codes, so exports compare (domain brief §7)."""

from django.db import models


class Genre(models.TextChoices):
    MASCULIN = "masculin", "Masculin"
    FEMININ = "feminin", "Féminin"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class TrancheAge(models.TextChoices):
    MOINS_DE_DOUZE = "moins_de_douze", "Moins de 12 ans"
    DOUZE_DIX_HUIT = "douze_dix_huit", "12 à 18 ans"
    DIX_HUIT_VINGT_QUATRE = "dix_huit_vingt_quatre", "18 à 24 ans"
    VINGT_CINQ_TRENTE_NEUF = "vingt_cinq_trente_neuf", "25 à 39 ans"
    QUARANTE_CINQUANTE_NEUF = "quarante_cinquante_neuf", "40 à 59 ans"
    SOIXANTE_SOIXANTE_NEUF = "soixante_soixante_neuf", "60 à 69 ans"
    SOIXANTE_DIX_PLUS = "soixante_dix_plus", "70 ans et plus"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class StatutSocial(models.TextChoices):
    SCOLARISE = "scolarise", "Scolarisé·e"
    SANS_EMPLOI = "sans_emploi", "Sans emploi"
    EN_EMPLOI = "en_emploi", "En emploi"
    RETRAITE = "retraite", "Retraité·e"
    NON_COMMUNIQUE = "non_communique", "Non communiqué"


class CanalContact(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"
    AUCUN = "aucun", "Aucun (ne pas contacter)"


class Equipement(models.TextChoices):
    SMARTPHONE = "smartphone", "Smartphone"
    ORDINATEUR = "ordinateur", "Ordinateur"
    TABLETTE = "tablette", "Tablette"
    AUCUN = "aucun", "Aucun"


class Langue(models.TextChoices):
    FR = "fr", "Français"
    AR = "ar", "Arabe"
    EN = "en", "Anglais"
    ES = "es", "Espagnol"
    PT = "pt", "Portugais"
    TR = "tr", "Turc"
    RU = "ru", "Russe"
    UK = "uk", "Ukrainien"
    PS = "ps", "Pachto"
    FA = "fa", "Persan / dari"
    SW = "sw", "Swahili"
    AUTRE = "autre", "Autre"


class OperationJournal(models.TextChoices):
    CONSULTATION = "consultation", "Consultation"
    CREATION = "creation", "Création"
    MODIFICATION = "modification", "Modification"
    SUPPRESSION = "suppression", "Suppression"
    EXPORT = "export", "Export des données"
    ANONYMISATION = "anonymisation", "Anonymisation"
    RETENTION = "retention", "Anonymisations automatiques (durée de conservation)"
    PURGE_JOURNAL = "purge_journal", "Purge des entrées anciennes du journal"
