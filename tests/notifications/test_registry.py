"""The outbox knows its kinds only through what the apps declared at start-up."""

import pytest
from django.db import models

from notifications import registry
from notifications.models import Message

OWNERS = {
    "accueil": {"confirmation_rdv", "rappel_rdv_j2", "rappel_rdv_jour", "annulation_rdv"},
    "ateliers": {"rappel_atelier", "promotion_liste_attente", "atelier_annule"},
    "mediation": {"recapitulatif"},
    "accueil.borne": {"ticket_appele"},
}


@pytest.mark.parametrize("app", sorted(OWNERS))
def test_each_app_declares_its_own_kinds(app):
    module = __import__(f"{app}.notifications", fromlist=["Kind"])
    assert set(module.Kind.values) == OWNERS[app]
    for value in OWNERS[app]:
        kind = registry.get_kind(value)
        assert set(kind.texts) == {"fr", "en", "ar"}


def test_message_kind_choices_come_from_the_registry():
    field = Message._meta.get_field("kind")
    assert {value for value, _ in field.choices} == set().union(*OWNERS.values())
    assert registry.get_kind("recapitulatif").free_text and not registry.get_kind("rappel_rdv_j2").free_text
    # Only the kiosk's ticket SMS carries a number given for that message alone.
    assert registry.ephemeral_kinds() == ["ticket_appele"]


def test_an_unknown_kind_is_refused_and_a_conflicting_declaration_too():
    assert not registry.is_known("inconnu")
    with pytest.raises(KeyError):
        registry.get_kind("inconnu")

    class Other(models.TextChoices):
        RAPPEL_RDV_J2 = "rappel_rdv_j2", "Autre libellé"

    with pytest.raises(ValueError):
        registry.register_kinds(Other, {Other.RAPPEL_RDV_J2: {"fr": ("a", "b")}})
