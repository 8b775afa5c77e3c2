"""The dispatcher: claims due outbox rows, sends them, records the outcome.

Exactly-once design:
1. One dispatcher at a time: a PostgreSQL advisory lock (session level, released by PostgreSQL if
   the process dies). A second beat or worker finds it taken and returns at once.
2. Claim: ``SELECT … FOR UPDATE SKIP LOCKED`` on due ``planifie`` rows, set ``en_cours`` in the
   same short transaction (so even without the advisory lock two dispatchers never pick the same row).
3. ``provider_called_at`` is committed right before the provider call. After a crash, an
   ``en_cours`` row without it was never handed over and goes back to ``planifie``; a row with it
   *may* have been sent: it is marked ``echec`` ("envoi incertain") rather than sent twice — the
   desk sees it and calls the person. That remaining window is the provider call itself (≤ timeout).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from core.locks import try_advisory_lock

from . import conf, registry
from .backends import PermanentError, SendError, TransientError, get_sms_backend
from .backends.email import send_email
from .contacts import opted_out
from .content import UnsafeContent, email, sms_text
from .enums import Channel, Status
from .models import Message
from .sms import measure
from .timing import next_allowed

logger = logging.getLogger(__name__)

LOCK_NAME = "notifications.dispatch"
MAX_ATTEMPTS = 5
# Delay before attempt n+1 after n failed attempts: 4, 8, 16, 32 min → the 5th attempt ~1 h after the 1st.
BACKOFF_MINUTES = [4, 8, 16, 32]
ORPHAN_AFTER = timedelta(minutes=2)
FINAL = (Status.ENVOYE, Status.ECHEC, Status.ANNULE)
UNCERTAIN = "envoi incertain (interrompu pendant l'appel au fournisseur) : vérifier avant de relancer"


@dataclass
class Report:
    locked_out: bool = False
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    postponed: int = 0
    recovered: int = 0
    ids: list[int] = field(default_factory=list)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1])


def dispatch_due(*, now: datetime | None = None, use_lock: bool = True, batch_size: int | None = None) -> Report:
    """One dispatcher run (what the beat task calls every minute)."""
    report = Report()
    if not use_lock:
        _run(report, now, batch_size)
        return report
    with try_advisory_lock(LOCK_NAME) as acquired:
        if not acquired:
            report.locked_out = True
            return report
        report.recovered = recover_orphans(now=now)
        _run(report, now, batch_size)
    return report


def _run(report: Report, now: datetime | None, batch_size: int | None) -> None:
    fixed_now = now
    batch_size = batch_size or conf.get("NOTIFICATIONS_BATCH_SIZE")
    deadline = time.monotonic() + conf.get("NOTIFICATIONS_RUN_BUDGET")
    sms_backend = None
    while time.monotonic() < deadline:
        ids = claim(now=fixed_now or timezone.now(), limit=batch_size)
        if not ids:
            break
        for pk in ids:
            if time.monotonic() >= deadline:
                # Out of time: give the rest back untouched (no provider call happened).
                Message.objects.filter(pk=pk, status=Status.EN_COURS, provider_called_at__isnull=True).update(
                    status=Status.PLANIFIE, claimed_at=None
                )
                continue
            if sms_backend is None:
                sms_backend = get_sms_backend()
            outcome = process(pk, now=fixed_now, sms_backend=sms_backend)
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.ids.append(pk)


def claim(*, now: datetime, limit: int) -> list[int]:
    with transaction.atomic():
        ids = list(
            Message.objects.due(now)
            .order_by("send_at", "pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Message.objects.filter(pk__in=ids).update(status=Status.EN_COURS, claimed_at=timezone.now())
    return ids


def recover_orphans(*, now: datetime | None = None) -> int:
    """Rows left ``en_cours`` by a dispatcher that died (only called under the advisory lock)."""
    limit = (now or timezone.now()) - ORPHAN_AFTER
    orphans = Message.objects.filter(status=Status.EN_COURS, claimed_at__lt=limit)
    back = orphans.filter(provider_called_at__isnull=True).update(status=Status.PLANIFIE, claimed_at=None)
    doubtful = orphans.filter(provider_called_at__isnull=False).update(status=Status.ECHEC, last_error=UNCERTAIN)
    if back or doubtful:
        logger.warning("notifications: %s message(s) repris, %s envoi(s) incertain(s)", back, doubtful)
    return back + doubtful


def _finish(message: Message, status: str, **fields) -> None:
    fields.setdefault("claimed_at", None)
    if status in FINAL and message.kind in registry.ephemeral_kinds():
        # A number given for this message only: gone from the outbox once it is over.
        fields.update(recipient="", context={}, anonymised_at=timezone.now())
    Message.objects.filter(pk=message.pk, status=Status.EN_COURS).update(status=status, **fields)


def process(pk: int, *, now: datetime | None = None, sms_backend=None) -> str:
    """Send one claimed row; returns the Report counter to bump."""
    message = Message.objects.select_related("object_type", "usager", "mds").get(pk=pk)
    if message.status != Status.EN_COURS:
        return "cancelled"
    current = now or timezone.now()
    if message.usager_id and opted_out(message.usager):
        _finish(message, Status.ANNULE, cancelled_at=current, last_error="refus des messages")
        return "cancelled"
    if not registry.is_relevant(message, current):
        _finish(message, Status.ANNULE, cancelled_at=current, last_error="plus d'actualité")
        return "cancelled"
    allowed = next_allowed(message.channel, current)
    if allowed > current:
        _finish(message, Status.PLANIFIE, send_at=allowed)
        return "postponed"
    if not message.recipient:
        _finish(message, Status.ECHEC, last_error="aucun destinataire")
        return "failed"
    try:
        if message.channel == Channel.SMS:
            text = sms_text(message.kind, message.language, message.context)
        else:
            rendered = email(message.kind, message.language, message.context)
    except (UnsafeContent, KeyError, ValueError) as exc:
        _finish(message, Status.ECHEC, last_error=f"contenu refusé ({type(exc).__name__})")
        return "failed"

    attempts = message.attempts + 1
    Message.objects.filter(pk=pk).update(attempts=attempts, provider_called_at=timezone.now())
    try:
        if message.channel == Channel.SMS:
            provider_id = (sms_backend or get_sms_backend()).send(
                to=message.recipient, text=text, key=str(message.idempotency_key)
            )
            segments = measure(text).segments
        else:
            provider_id = send_email(
                to=message.recipient,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                key=str(message.idempotency_key),
                language=message.language,
            )
            segments = None
    except PermanentError as exc:
        _finish(message, Status.ECHEC, last_error=str(exc)[:255], provider_called_at=None)
        logger.info("notifications: message %s en échec définitif (%s)", pk, exc)
        return "failed"
    except Exception as exc:  # transient, or unexpected: retried with backoff, then echec
        reason = str(exc) if isinstance(exc, SendError) else f"erreur inattendue ({type(exc).__name__})"
        if not isinstance(exc, TransientError):
            logger.exception("notifications: erreur inattendue à l'envoi du message %s", pk)
        if attempts >= MAX_ATTEMPTS:
            _finish(message, Status.ECHEC, last_error=reason[:255], provider_called_at=None)
            return "failed"
        _finish(
            message,
            Status.PLANIFIE,
            send_at=current + backoff(attempts),
            last_error=reason[:255],
            provider_called_at=None,
        )
        return "retried"
    _finish(
        message,
        Status.ENVOYE,
        sent_at=timezone.now(),
        provider_message_id=str(provider_id)[:64],
        segments=segments,
        last_error="",
    )
    return "sent"
