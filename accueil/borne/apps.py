from django.apps import AppConfig


class BorneConfig(AppConfig):
    """The self-service kiosk (borne) of the waiting room: its own app inside accueil/."""

    name = "accueil.borne"
    label = "borne"
    verbose_name = "Bornes"

    def ready(self):
        # Appointment messages (accueil.notifications) carry the kiosk's signed confirm/cancel link.
        from accueil.notifications import register_link_builder

        from .tokens import lien_annulation

        register_link_builder(lien_annulation)
