from django.apps import AppConfig


class BorneConfig(AppConfig):
    """The self-service kiosk (borne) of the waiting room: its own app inside accueil/."""

    name = "accueil.borne"
    label = "borne"
    verbose_name = "Bornes"

    def ready(self):
        # Appointment messages (accueil.notifications) carry the kiosk's signed confirm/cancel link.
        from accueil.notifications import register_link_builder, register_passage_listener

        from .tokens import lien_annulation

        register_link_builder(lien_annulation)

        # « SMS when it is my turn »: the kiosk's message kind, and the queue's changes.
        from . import notifications
        from .services import ticket_change

        notifications.register()
        register_passage_listener(ticket_change)
