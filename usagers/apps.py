from django.apps import AppConfig


class UsagersConfig(AppConfig):
    name = "usagers"
    verbose_name = "Usagers"

    def ready(self):
        from core.journal_integrity import register_journal

        from . import journal

        register_journal("Journal des accès", verify=journal.verify_chain, checkpoint=journal.checkpoint)
