"""The API other apps call, inside their own transaction (booking, cancelling, rescheduling…).

Nothing here talks to Redis or to a provider synchronously: rows are written to the outbox
(PostgreSQL) and, after commit, the dispatcher is nudged — if the broker is down the nudge is
dropped and the every-minute beat run sends the message anyway.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from usagers.enums import CanalContact

from . import conf
from .content import check_context, normalize_language
from .enums import Channel, Kind, Status
from .models import Message
from .timing import appointment_plan

logger = logging.getLogger(__name__)

REPLANNABLE = (Status.PLANIFIE, Status.ANNULE, Status.ECHEC)


def _object_filter(obj):
    from django.contrib.contenttypes.models import ContentType

    return {"object_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}


def opted_out(usager) -> bool:
    return usager is not None and (
        usager.canal_contact == CanalContact.AUCUN or usager.opt_out_le is not None or usager.anonymise_le is not None
    )


def contact_for(usager, preferred: str | None = None) -> tuple[str, str] | None:
    """(channel, recipient) to reach ``usager``: its preferred channel, or ``preferred`` (the
    appointment's reminder choice) when the visitor has that contact; None when opted out."""
    if usager is None or opted_out(usager):
        return None
    channel = preferred or usager.canal_contact
    if channel == Channel.SMS and usager.telephone:
        phone = usager.telephone
        return Channel.SMS, getattr(phone, "as_e164", None) or str(phone)
    if channel == Channel.EMAIL and usager.email:
        return Channel.EMAIL, usager.email
    return None


@transaction.atomic
def schedule_message(
    *,
    kind: str,
    obj,
    mds,
    channel: str,
    recipient: str,
    send_at: datetime,
    language: str = "fr",
    context: dict | None = None,
    usager=None,
) -> Message | None:
    """Plan one message about ``obj``. At most one per (obj, kind, channel): planning again moves a
    planned/cancelled/failed row; a row already sent or being sent is left alone and returned.
    Returns None when the visitor opted out or there is nobody to write to."""
    if kind not in Kind.values or channel not in Channel.values:
        raise ValueError(f"Type ou canal inconnu : {kind}/{channel}")
    context = dict(context or {})
    check_context(context)
    if opted_out(usager) or not recipient:
        return None
    values = {
        "mds": mds,
        "usager": usager,
        "recipient": str(recipient),
        "language": normalize_language(language),
        "context": context,
        "send_at": send_at,
    }
    key = {**_object_filter(obj), "kind": kind, "channel": channel}
    message = Message.objects.select_for_update().filter(**key).first()
    if message is None:
        try:
            with transaction.atomic():
                message = Message.objects.create(**key, **values)
        except IntegrityError:  # planned concurrently: fall through to the update
            message = Message.objects.select_for_update().get(**key)
        else:
            _kick_if_due(message)
            return message
    if message.status in REPLANNABLE:
        for field, value in values.items():
            setattr(message, field, value)
        message.status, message.attempts, message.last_error = Status.PLANIFIE, 0, ""
        message.cancelled_at = message.claimed_at = message.provider_called_at = None
        message.save()
        _kick_if_due(message)
    return message


def schedule_for_usager(*, kind, obj, usager, send_at, context=None, channel=None, mds=None) -> Message | None:
    """``schedule_message`` with channel, recipient and language taken from the visitor."""
    contact = contact_for(usager, channel)
    if contact is None:
        return None
    channel, recipient = contact
    return schedule_message(
        kind=kind,
        obj=obj,
        mds=mds or usager.mds,
        channel=channel,
        recipient=recipient,
        send_at=send_at,
        language=usager.langue,
        context=context,
        usager=usager,
    )


def cancel_messages(*, obj, kinds=None, reason: str = "") -> int:
    """Cancel the planned messages about ``obj`` (all kinds, or ``kinds``). Sent ones stay."""
    rows = Message.objects.filter(**_object_filter(obj), status=Status.PLANIFIE)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    return rows.update(status=Status.ANNULE, cancelled_at=timezone.now(), last_error=reason[:255])


def reschedule_messages(*, obj, send_at_by_kind: dict[str, datetime | None], context: dict | None = None) -> int:
    """Move the not-yet-sent messages about ``obj``: ``{kind: new send_at}`` (None cancels that kind).
    ``context`` (e.g. the new start) is merged into each moved message. Returns the rows moved."""
    if context:
        check_context(context)
    moved = 0
    with transaction.atomic():
        rows = Message.objects.select_for_update().filter(**_object_filter(obj), kind__in=list(send_at_by_kind))
        for message in rows:
            if message.status not in REPLANNABLE:
                continue
            send_at = send_at_by_kind[message.kind]
            if send_at is None:
                message.status, message.cancelled_at = Status.ANNULE, timezone.now()
            else:
                message.send_at, message.status, message.attempts = send_at, Status.PLANIFIE, 0
                message.cancelled_at = message.provider_called_at = message.claimed_at = None
                message.last_error = ""
                message.context = {**message.context, **(context or {})}
                moved += 1
            message.save()
            _kick_if_due(message)
    return moved


# --- Appointments ---------------------------------------------------------------------------------


def appointment_context(*, mds, debut: datetime, lien: str = "") -> dict:
    return {
        "debut": debut.isoformat(),
        "mds_nom": mds.nom,
        "mds_adresse": mds.adresse_complete,
        "mds_telephone": mds.telephone,
        "lien": lien,
    }


APPOINTMENT_KINDS = (Kind.CONFIRMATION_RDV, Kind.RAPPEL_RDV_J2, Kind.RAPPEL_RDV_JOUR)


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
) -> list[Message]:
    """Confirmation and reminders of an appointment (at booking and at each move). ``contact`` is
    (channel, recipient) or None (no reminder wanted / opted out). Kinds no longer in the plan, or
    on another channel, are cancelled; the others are (re)planned for the new time."""
    now = now or timezone.now()
    if contact is None or opted_out(usager):
        cancel_messages(obj=obj, kinds=APPOINTMENT_KINDS, reason="pas de contact ou refus des messages")
        return []
    channel, recipient = contact
    plan = appointment_plan(mds=mds, debut=debut, now=now, by_visitor_at_kiosk=by_visitor_at_kiosk, channel=channel)
    cancel_messages(obj=obj, kinds=[k for k in APPOINTMENT_KINDS if k not in plan], reason="hors du nouveau plan")
    # A channel change (SMS → e-mail) leaves planned rows on the old channel: cancel them too.
    Message.objects.filter(**_object_filter(obj), kind__in=APPOINTMENT_KINDS, status=Status.PLANIFIE).exclude(
        channel=channel
    ).update(status=Status.ANNULE, cancelled_at=now)
    context = appointment_context(mds=mds, debut=debut, lien=lien)
    planned = []
    for kind, send_at in plan.items():
        message = schedule_message(
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
) -> Message | None:
    """Cancel the reminders of an appointment and tell the visitor at once (if still ahead)."""
    now = now or timezone.now()
    cancel_messages(obj=obj, kinds=APPOINTMENT_KINDS, reason="rendez-vous annulé")
    if contact is None or debut <= now:
        return None
    return schedule_message(
        kind=Kind.ANNULATION_RDV,
        obj=obj,
        mds=mds,
        channel=contact[0],
        recipient=contact[1],
        send_at=now,
        language=language,
        context=appointment_context(mds=mds, debut=debut),
        usager=usager,
    )


# --- Dispatcher nudge -------------------------------------------------------------------------------


def _kick_if_due(message: Message) -> None:
    if message.status == Status.PLANIFIE and message.send_at <= timezone.now():
        transaction.on_commit(kick_dispatcher)


def kick_dispatcher() -> None:
    """Ask a worker to run the dispatcher now, from a background thread: the web request never
    waits on the broker. Without Redis the nudge is dropped (logged) and the message waits for the
    next beat run, at most a minute after Redis is back."""
    threading.Thread(target=_kick, name="notifications-kick", daemon=True).start()


def _kick() -> None:
    from .tasks import dispatch

    options = {"retry": False}
    queue = conf.get("NOTIFICATIONS_DISPATCH_QUEUE")
    if queue:
        options["queue"] = queue
    try:
        with dispatch.app.connection_for_write() as connection:
            # Bounded: one quick attempt (kombu would otherwise retry for seconds).
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
            dispatch.apply_async(connection=connection, **options)
    except Exception as exc:  # broker down, DNS, anything: the outbox row is safe in PostgreSQL
        logger.warning(
            "notifications: relance du répartiteur impossible (%s), envoi au prochain passage", type(exc).__name__
        )


def visible_messages(*, usager=None, obj=None, limit=20):
    rows = Message.objects.select_related("object_type")
    rows = rows.filter(usager=usager) if usager is not None else rows.filter(**_object_filter(obj))
    return list(
        rows.exclude(Q(status=Status.ANNULE) & Q(sent_at__isnull=True) & Q(attempts=0)).order_by("-send_at")[:limit]
    )
