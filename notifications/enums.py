from django.db import models


class Kind(models.TextChoices):
    CONFIRMATION_RDV = "confirmation_rdv", "Confirmation de rendez-vous"
    RAPPEL_RDV_J2 = "rappel_rdv_j2", "Rappel J-2"
    RAPPEL_RDV_JOUR = "rappel_rdv_jour", "Rappel le jour même"
    ANNULATION_RDV = "annulation_rdv", "Annulation de rendez-vous"
    RAPPEL_ATELIER = "rappel_atelier", "Rappel d'atelier"
    PROMOTION_LISTE_ATTENTE = "promotion_liste_attente", "Place libérée (liste d'attente)"
    ATELIER_ANNULE = "atelier_annule", "Atelier annulé"
    RECAPITULATIF = "recapitulatif", "Récapitulatif"


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


# Messages that are reminders of something in the future: not sent once that thing started or was
# cancelled (asked through notifications.registry).
REMINDER_KINDS = frozenset({Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR, Kind.RAPPEL_ATELIER, Kind.CONFIRMATION_RDV})
