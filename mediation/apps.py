from django.apps import AppConfig


class MediationConfig(AppConfig):
    name = "mediation"
    verbose_name = "Médiation numérique"

    def ready(self):
        from core import events
        from core.homes import register_panel
        from core.journal_integrity import register_journal
        from usagers import hooks

        from . import history, homes, notifications, sceau, services

        for panel in homes.PANELS:
            register_panel(panel)
        register_journal("Journal de séance", verify=sceau.verify, checkpoint=sceau.checkpoint)

        hooks.register_history_section(
            hooks.HistorySection(
                order=15,
                title="Médiation numérique",
                template_name="mediation/_usager_history.html",
                get_context=history.usager_history_context,
            )
        )
        hooks.register_anonymizer(services.anonymiser_usager)
        hooks.register_exporter(services.exporter_usager)
        notifications.register()
        events.subscribe(events.EmargementCloture, services.journaliser_seance_atelier)
