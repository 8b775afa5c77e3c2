from django.db import models


class Channel(models.TextChoices):
    SMS = "sms", "SMS"
    EMAIL = "email", "E-mail"


class Status(models.TextChoices):
    PLANIFIE = "planifie", "Planifié"
    EN_COURS = "en_cours", "En cours d'envoi"
    ENVOYE = "envoye", "Envoyé"
    ECHEC = "echec", "Échec"
    ANNULE = "annule", "Annulé"


class Delivery(models.TextChoices):
    """What the provider's delivery receipt says (SMS; e-mail has no receipt)."""

    INCONNU = "", "—"
    LIVRE = "livre", "Remis"
    NON_LIVRE = "non_livre", "Non remis"
