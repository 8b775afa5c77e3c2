from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """SMS and e-mail to visitors through an outbox (called by accueil, ateliers and the kiosk)."""

    name = "notifications"
    verbose_name = "Notifications"

    def ready(self):
        from usagers import hooks

        from .retention import anonymize_for_usager, export_for_usager
        from .selectors import history_context

        hooks.register_history_section(
            hooks.HistorySection(
                order=90,
                title="Messages (SMS et e-mails)",
                template_name="notifications/_historique.html",
                get_context=history_context,
            )
        )
        hooks.register_anonymizer(anonymize_for_usager)
        hooks.register_exporter(export_for_usager)
