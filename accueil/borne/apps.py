from django.apps import AppConfig


class BorneConfig(AppConfig):
    """The self-service kiosk (borne) of the waiting room: its own app inside accueil/."""

    name = "accueil.borne"
    label = "borne"
    verbose_name = "Bornes"
