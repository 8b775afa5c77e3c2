"""The kiosk's message: « C'est votre tour » by SMS when a walk-in ticket is called (asked at the
kiosk, « Prévenez-moi par SMS quand c'est mon tour »). Declared to the outbox as an **ephemeral**
kind: the number is given for this one message and wiped from the outbox row once it is over.

Short, in the language of the kiosk screens, nothing personal: the ticket number and the desk."""

from django.db import models

from accueil.enums import StatutPassage
from core.dates import PARIS
from notifications import registry


class Kind(models.TextChoices):
    TICKET_APPELE = "ticket_appele", "Ticket appelé (borne)"


TEXTS = {  # {ticket} « A-012 », {guichet} « (bureau 2) » or empty
    Kind.TICKET_APPELE: {
        "fr": ("C'est votre tour", "C'est votre tour ! Ticket {ticket}{guichet}. Venez à l'accueil."),
        "en": ("It is your turn", "It's your turn! Ticket {ticket}{guichet}. Please come to reception."),
        "ar": ("حان دورك", "حان دورك! التذكرة {ticket}{guichet}. يُرجى التوجه إلى الاستقبال."),
    },
}


def register() -> None:
    registry.register_kinds(Kind, TEXTS, ephemeral=[Kind.TICKET_APPELE])
    registry.register_relevance("accueil.Passage", still_relevant, kinds=[Kind.TICKET_APPELE.value])


def still_relevant(passage, message, now) -> bool:
    """Only while the ticket is still the one called, today (not once received or gone)."""
    return passage.statut == StatutPassage.APPELE and passage.jour == now.astimezone(PARIS).date()
