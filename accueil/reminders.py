"""Appointment messages: the glue between accueil and the notifications outbox.

Called by ``accueil.services`` inside the booking / moving / cancelling transaction, so the outbox
rows commit (or roll back) with the appointment. Nothing here touches Redis or a provider.

The kiosk's signed confirm/cancel link plugs in with ``register_link_builder(fn)`` where
``fn(rendez_vous) -> absolute URL``; until one is registered, messages tell the visitor to call the
MDS (its phone number) or to tell the reception desk.
"""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers

from notifications import services as outbox
from notifications.enums import Channel, Kind
from notifications.registry import register_relevance

from .enums import CanalRappel, CanalReservation, StatutRendezVous

_link_builder: Callable | None = None
CANCELLED = (StatutRendezVous.ANNULE, StatutRendezVous.EXCUSE)


def register_link_builder(func: Callable) -> None:
    global _link_builder
    _link_builder = func


def _link(rdv) -> str:
    return _link_builder(rdv) if _link_builder else ""


def _e164(number: str) -> str:
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException:
        return number  # kept as typed: the dispatcher marks it "echec" (the desk then calls)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def contact(rdv) -> tuple[str, str] | None:
    """(channel, recipient) for the appointment's reminder choice; None when no reminder is wanted
    or the visitor opted out (``canal_contact == "aucun"`` wins over everything)."""
    if rdv.rappel == CanalRappel.AUCUN:
        return None
    if rdv.usager_id:
        if outbox.opted_out(rdv.usager):
            return None
        found = outbox.contact_for(rdv.usager, rdv.rappel)
        if found:
            return found
    if rdv.rappel == CanalRappel.SMS and rdv.telephone:
        return Channel.SMS, _e164(rdv.telephone)
    return None


def _language(rdv) -> str:
    return rdv.usager.langue if rdv.usager_id else "fr"


def plan(rdv, *, now=None) -> None:
    """At booking and after a move: confirmation, J-2 and same-day reminders (re)planned."""
    outbox.plan_appointment_messages(
        obj=rdv,
        mds=rdv.mds,
        debut=rdv.debut,
        contact=contact(rdv),
        language=_language(rdv),
        usager=rdv.usager if rdv.usager_id else None,
        by_visitor_at_kiosk=rdv.canal == CanalReservation.BORNE,
        lien=_link(rdv),
        now=now,
    )


def status_changed(rdv, *, now=None) -> None:
    """Cancelled → reminders cancelled and the visitor told; seen / absent → reminders cancelled."""
    if rdv.statut in CANCELLED:
        outbox.notify_appointment_cancelled(
            obj=rdv,
            mds=rdv.mds,
            debut=rdv.debut,
            contact=contact(rdv),
            language=_language(rdv),
            usager=rdv.usager if rdv.usager_id else None,
            now=now,
        )
    elif rdv.statut != StatutRendezVous.A_VENIR:
        outbox.cancel_messages(obj=rdv, kinds=outbox.APPOINTMENT_KINDS, reason="rendez-vous passé")


def still_relevant(rdv, message, now) -> bool:
    """Asked by the dispatcher right before sending: no reminder for an appointment that started
    or is no longer upcoming; the cancellation notice only while the appointment was still ahead."""
    if message.kind == Kind.ANNULATION_RDV:
        return rdv.statut in CANCELLED and rdv.debut > now
    return rdv.statut == StatutRendezVous.A_VENIR and rdv.debut > now


def register() -> None:
    register_relevance("accueil.RendezVous", still_relevant)
