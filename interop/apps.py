from django.apps import AppConfig


class InteropConfig(AppConfig):
    """Exits and entries with the outside: the Coop-shaped activity feed and exports, API tokens,
    the data·inclusion partner import and calendar feeds. Top layer: nothing imports it."""

    name = "interop"
    verbose_name = "Interopérabilité"
