from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Structures et comptes"

    def ready(self):
        from . import home_panels
        from .homes import register_panel

        for panel in home_panels.PANELS:
            register_panel(panel)
