from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil"

    def ready(self):
        from core.homes import register_panel
        from usagers.hooks import (
            HistorySection,
            register_anonymizer,
            register_exporter,
            register_history_section,
            register_next_appointment_finder,
        )

        from . import homes, notifications
        from .history import anonymize_usager, export_usager, history_context, next_appointment

        notifications.register()
        for panel in homes.PANELS:
            register_panel(panel)

        register_history_section(
            HistorySection(
                order=20,
                title="Rendez-vous et passages",
                template_name="accueil/_usager_historique.html",
                get_context=history_context,
            )
        )
        register_anonymizer(anonymize_usager)
        register_exporter(export_usager)
        register_next_appointment_finder(next_appointment)
