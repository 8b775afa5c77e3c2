from django.apps import AppConfig


class AteliersConfig(AppConfig):
    name = "ateliers"
    verbose_name = "Ateliers"

    def ready(self):
        from usagers.hooks import HistorySection, register_exporter, register_history_section

        from .history import export_usager, history_context

        register_history_section(
            HistorySection(
                order=40,
                title="Ateliers",
                template_name="ateliers/_historique_usager.html",
                get_context=history_context,
            )
        )
        register_exporter(export_usager)

        from core.closures import register_impact

        from . import closures, notifications

        notifications.register()
        register_impact(closures.IMPACT)
