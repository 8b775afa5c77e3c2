from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Structures et comptes"

    def ready(self):
        from core.free_text import apply_guard

        apply_guard()
