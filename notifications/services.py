"""The API other apps call, inside their own transaction (booking, cancelling, rescheduling…).

Nothing here talks to Redis or to a provider synchronously: rows are written to the outbox
(PostgreSQL) and, after commit, the dispatcher is nudged — if the broker is down the nudge is
dropped and the every-minute beat run sends the message anyway.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry, tasks
from .contacts import contact_for, opted_out
from .content import check_context, normalize_language
from .enums import Channel, Status
from .models import Message

REPLANNABLE = (Status.PLANIFIE, Status.ANNULE, Status.ECHEC)


def _object_filter(obj):
    return {"object_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}


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
    if not registry.is_known(kind) or channel not in Channel.values:
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


def schedule_for_usager(
    *, kind: str, obj, usager, send_at: datetime, context: dict | None = None, channel=None, mds=None
) -> Message | None:
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


def already_sent(*, obj, kind: str, channel: str) -> bool:
    """Has that message about ``obj`` gone out (or is it going out now)? Planning it again would not
    send it a second time (``schedule_message`` leaves such a row alone)."""
    return (
        Message.objects.filter(**_object_filter(obj), kind=kind, channel=channel)
        .exclude(status__in=REPLANNABLE)
        .exists()
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


def cancel_kinds_on_other_channels(*, obj, kinds, channel: str, now: datetime | None = None) -> int:
    """A channel change (SMS → e-mail) leaves planned rows on the old channel: cancel them."""
    return (
        Message.objects.filter(**_object_filter(obj), kind__in=list(kinds), status=Status.PLANIFIE)
        .exclude(channel=channel)
        .update(status=Status.ANNULE, cancelled_at=now or timezone.now())
    )


def _kick_if_due(message: Message) -> None:
    if message.status == Status.PLANIFIE and message.send_at <= timezone.now():
        transaction.on_commit(tasks.kick_dispatcher)
