from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """SMS and e-mail to visitors through an outbox (called by accueil, ateliers and the kiosk)."""

    name = "notifications"
    verbose_name = "Notifications"
