from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Structures et comptes"

    def ready(self):
        from core.free_text import apply_guard

        from . import home_panels
        from .homes import register_panel

        apply_guard()
        for panel in home_panels.PANELS:
            register_panel(panel)
