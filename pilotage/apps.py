from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "pilotage"

    def ready(self):
        from core.homes import register_panel

        from . import homes

        for panel in homes.PANELS:
            register_panel(panel)
