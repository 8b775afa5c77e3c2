from django.db import models
from django.utils.translation import gettext_lazy as _


class Ressenti(models.IntegerChoices):
    """The three smileys of "Donner mon avis"."""

    CONTENT = 3, _("Content")
    MOYEN = 2, _("Moyen")
    PAS_CONTENT = 1, _("Pas content")


class AvisTag(models.TextChoices):
    """Optional tags after the smiley (no free text at the kiosk)."""

    ACCUEIL = "accueil", _("L'accueil")
    ATTENTE = "attente", _("L'attente")
    AIDE = "aide", _("L'aide reçue")
    EXPLICATIONS = "explications", _("Les explications")
    LIEU = "lieu", _("La salle")
