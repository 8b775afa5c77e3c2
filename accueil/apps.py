from django.apps import AppConfig


class AccueilConfig(AppConfig):
    name = "accueil"
    verbose_name = "Accueil"

    def ready(self):
        from usagers.hooks import HistorySection, register_history_section

        from . import reminders
        from .history import history_context

        reminders.register()

        register_history_section(
            HistorySection(
                order=20,
                title="Rendez-vous et passages",
                template_name="accueil/_usager_historique.html",
                get_context=history_context,
            )
        )
