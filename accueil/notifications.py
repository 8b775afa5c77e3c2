"""Appointment messages: what accueil tells visitors about their appointments, declared to the
notifications outbox (kinds, texts, timing, relevance) by ``register()`` in ``AppConfig.ready()``.

Called by ``accueil.services`` inside the booking / moving / cancelling transaction, so the outbox
rows commit (or roll back) with the appointment. Nothing here touches Redis or a provider.

The kiosk's signed confirm/cancel link plugs in with ``register_link_builder(fn)`` where
``fn(rendez_vous) -> absolute URL``; until one is registered, messages tell the visitor to call the
MDS (its phone number) or to tell the reception desk.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import phonenumbers
from django.db import models, transaction
from django.utils import timezone

from core.dates import PARIS
from notifications import registry
from notifications import services as outbox
from notifications.contacts import contact_for, opted_out
from notifications.content import place_context
from notifications.enums import Channel
from notifications.timing import at_hour, next_allowed, reglages

from .enums import CanalRappel, CanalReservation, StatutRendezVous


class Kind(models.TextChoices):
    CONFIRMATION_RDV = "confirmation_rdv", "Confirmation de rendez-vous"
    RAPPEL_RDV_J2 = "rappel_rdv_j2", "Rappel J-2"
    RAPPEL_RDV_JOUR = "rappel_rdv_jour", "Rappel le jour même"
    ANNULATION_RDV = "annulation_rdv", "Annulation de rendez-vous"


# Confirmation and reminders: (re)planned at each move, cancelled once the appointment is over.
APPOINTMENT_KINDS = (Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR)

# {date} {heure} {lieu} {annuler} {appeler}
TEXTS = {  # kind: {language: (e-mail subject, body)}
    Kind.CONFIRMATION_RDV: {
        "fr": (
            "Votre rendez-vous est confirmé",
            "Votre rendez-vous est confirmé le {date} à {heure}, {lieu}.{annuler}",
        ),
        "en": ("Your appointment is confirmed", "Your appointment is confirmed on {date} at {heure}, {lieu}.{annuler}"),
        "ar": ("تم تأكيد موعدك", "تم تأكيد موعدك يوم {date} الساعة {heure} في {lieu}.{annuler}"),
    },
    Kind.RAPPEL_RDV_J2: {
        "fr": ("Rappel de votre rendez-vous", "Rappel : vous avez rendez-vous le {date} à {heure}, {lieu}.{annuler}"),
        "en": ("Appointment reminder", "Reminder: you have an appointment on {date} at {heure}, {lieu}.{annuler}"),
        "ar": ("تذكير بموعدك", "تذكير: لديك موعد يوم {date} الساعة {heure} في {lieu}.{annuler}"),
    },
    Kind.RAPPEL_RDV_JOUR: {
        "fr": (
            "Votre rendez-vous aujourd'hui",
            "Rappel : vous avez rendez-vous aujourd'hui à {heure}, {lieu}.{annuler}",
        ),
        "en": ("Your appointment today", "Reminder: you have an appointment today at {heure}, {lieu}.{annuler}"),
        "ar": ("موعدك اليوم", "تذكير: لديك موعد اليوم الساعة {heure} في {lieu}.{annuler}"),
    },
    Kind.ANNULATION_RDV: {
        "fr": (
            "Rendez-vous annulé",
            "Votre rendez-vous du {date} à {heure} est annulé, {lieu}. "
            "Pour un nouveau rendez-vous, adressez-vous à l'accueil.{appeler}",
        ),
        "en": (
            "Appointment cancelled",
            "Your appointment on {date} at {heure} is cancelled, {lieu}. "
            "For a new appointment, ask at the reception desk.{appeler}",
        ),
        "ar": (
            "تم إلغاء الموعد",
            "تم إلغاء موعدك يوم {date} الساعة {heure} في {lieu}. لموعد جديد، توجه إلى الاستقبال.{appeler}",
        ),
    },
}

_link_builder: Callable | None = None
CANCELLED = (StatutRendezVous.ANNULE, StatutRendezVous.EXCUSE)


def register() -> None:
    """Called by ``AccueilConfig.ready()``."""
    registry.register_kinds(Kind, TEXTS)
    registry.register_relevance("accueil.RendezVous", still_relevant)


def register_link_builder(func: Callable) -> None:
    global _link_builder
    _link_builder = func


def _link(rdv) -> str:
    return _link_builder(rdv) if _link_builder else ""


# --- Timing ---------------------------------------------------------------------------------------


def appointment_plan(
    *,
    mds,
    debut: datetime,
    now: datetime,
    by_visitor_at_kiosk: bool = False,
    channel: str = Channel.SMS,
    confirmation_sent: bool = False,
) -> dict[str, datetime]:
    """{kind: send_at} for an appointment booked at ``now`` starting at ``debut``.

    - confirmation at once, unless the visitor booked at the kiosk more than 48 h ahead with SMS
      (the reminders are enough);
    - J-2 reminder two days before at the MDS's daytime hour (default 10:00), if still ahead;
      when the confirmation is skipped and that hour is already past, the reminder goes at once;
    - same-day reminder at the MDS's morning hour (default 08:00) if enabled, still ahead, and at
      least one hour before the appointment;
    - one message, not two, when they fall together: a reminder due the same day as the
      confirmation actually goes out (an evening SMS booking waits for 08:00, the quiet hours) is
      dropped — the confirmation, with the date and time, is that reminder. ``confirmation_sent``
      (a move after the confirmation went out: it is not sent again) keeps every reminder.
    """
    settings = reglages(mds)
    plan: dict[str, datetime] = {}
    local_day = debut.astimezone(PARIS).date()
    skip_confirmation = by_visitor_at_kiosk and channel == Channel.SMS and debut - now > timedelta(hours=48)
    if not skip_confirmation:
        plan[Kind.CONFIRMATION_RDV] = now
    j2 = at_hour(local_day - timedelta(days=2), settings.heure_rappel_j2)
    if j2 > now:
        plan[Kind.RAPPEL_RDV_J2] = j2
    elif skip_confirmation:
        plan[Kind.RAPPEL_RDV_J2] = now
    if settings.rappel_jour_meme:
        same_day = at_hour(local_day, settings.heure_rappel_jour)
        if now < same_day <= debut - timedelta(hours=1):
            plan[Kind.RAPPEL_RDV_JOUR] = same_day
    if Kind.CONFIRMATION_RDV in plan and not confirmation_sent:
        confirmed_on = next_allowed(channel, now).astimezone(PARIS).date()
        for reminder in (Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR):
            if reminder in plan and plan[reminder].astimezone(PARIS).date() == confirmed_on:
                del plan[reminder]
    return plan


# --- Planning (inside the accueil services' transactions) -----------------------------------------


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
        if opted_out(rdv.usager):
            return None
        found = contact_for(rdv.usager, rdv.rappel)
        if found:
            return found
    if rdv.rappel == CanalRappel.SMS and rdv.telephone:
        return Channel.SMS, _e164(rdv.telephone)
    return None


def _language(rdv) -> str:
    return rdv.usager.langue if rdv.usager_id else "fr"


@transaction.atomic
def plan_appointment_messages(
    *,
    obj,
    mds,
    debut: datetime,
    contact: tuple[str, str] | None,
    language: str = "fr",
    usager=None,
    by_visitor_at_kiosk: bool = False,
    lien: str = "",
    now: datetime | None = None,
) -> list:
    """Confirmation and reminders of an appointment (at booking and at each move). ``contact`` is
    (channel, recipient) or None (no reminder wanted / opted out). Kinds no longer in the plan, or
    on another channel, are cancelled; the others are (re)planned for the new time."""
    now = now or timezone.now()
    if contact is None or opted_out(usager):
        outbox.cancel_messages(obj=obj, kinds=APPOINTMENT_KINDS, reason="pas de contact ou refus des messages")
        return []
    channel, recipient = contact
    plan = appointment_plan(
        mds=mds,
        debut=debut,
        now=now,
        by_visitor_at_kiosk=by_visitor_at_kiosk,
        channel=channel,
        confirmation_sent=outbox.already_sent(obj=obj, kind=Kind.CONFIRMATION_RDV, channel=channel),
    )
    outbox.cancel_messages(
        obj=obj, kinds=[k for k in APPOINTMENT_KINDS if k not in plan], reason="hors du nouveau plan"
    )
    outbox.cancel_kinds_on_other_channels(obj=obj, kinds=APPOINTMENT_KINDS, channel=channel, now=now)
    context = place_context(mds=mds, debut=debut, lien=lien)
    planned = []
    for kind, send_at in plan.items():
        message = outbox.schedule_message(
            kind=kind,
            obj=obj,
            mds=mds,
            channel=channel,
            recipient=recipient,
            send_at=send_at,
            language=language,
            context=context,
            usager=usager,
        )
        if message is not None:
            planned.append(message)
    return planned


@transaction.atomic
def notify_appointment_cancelled(
    *, obj, mds, debut: datetime, contact: tuple[str, str] | None, language: str = "fr", usager=None, now=None
):
    """Cancel the reminders of an appointment and tell the visitor at once (if still ahead)."""
    now = now or timezone.now()
    outbox.cancel_messages(obj=obj, kinds=APPOINTMENT_KINDS, reason="rendez-vous annulé")
    if contact is None or debut <= now:
        return None
    return outbox.schedule_message(
        kind=Kind.ANNULATION_RDV,
        obj=obj,
        mds=mds,
        channel=contact[0],
        recipient=contact[1],
        send_at=now,
        language=language,
        context=place_context(mds=mds, debut=debut),
        usager=usager,
    )


def plan(rdv, *, now=None) -> None:
    """At booking and after a move: confirmation, J-2 and same-day reminders (re)planned."""
    plan_appointment_messages(
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
        notify_appointment_cancelled(
            obj=rdv,
            mds=rdv.mds,
            debut=rdv.debut,
            contact=contact(rdv),
            language=_language(rdv),
            usager=rdv.usager if rdv.usager_id else None,
            now=now,
        )
    elif rdv.statut != StatutRendezVous.A_VENIR:
        outbox.cancel_messages(obj=rdv, kinds=APPOINTMENT_KINDS, reason="rendez-vous passé")


# --- Relevance (asked by the dispatcher) ----------------------------------------------------------


def still_relevant(rdv, message, now) -> bool:
    """Asked by the dispatcher right before sending: no reminder for an appointment that started
    or is no longer upcoming; the cancellation notice only while the appointment was still ahead."""
    if message.kind == Kind.ANNULATION_RDV:
        return rdv.statut in CANCELLED and rdv.debut > now
    return rdv.statut == StatutRendezVous.A_VENIR and rdv.debut > now
