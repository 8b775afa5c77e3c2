"""Delivery records are anonymized after 6 months (domain brief §8): the recipient, the message data
and the provider id go; kind, channel, dates and statuses stay for the statistics."""

from datetime import timedelta

from django.utils import timezone

from .enums import Status
from .models import Message

RETENTION = timedelta(days=183)


def anonymize_old_messages(*, now=None) -> int:
    now = now or timezone.now()
    return Message.objects.filter(
        anonymised_at__isnull=True,
        status__in=[Status.ENVOYE, Status.ECHEC, Status.ANNULE],
        send_at__lt=now - RETENTION,
    ).update(recipient="", context={}, provider_message_id="", anonymised_at=now)


def anonymize_for_usager(usager) -> None:
    """usagers anonymizer hook: cancel what is planned, blank every recipient of this visitor."""
    now = timezone.now()
    Message.objects.filter(usager=usager, status=Status.PLANIFIE).update(status=Status.ANNULE, cancelled_at=now)
    Message.objects.filter(usager=usager).update(recipient="", context={}, provider_message_id="", anonymised_at=now)


def export_for_usager(usager):
    rows = Message.objects.filter(usager=usager).order_by("send_at")
    return (
        "Messages (SMS et e-mails)",
        [
            {
                "type": m.get_kind_display(),
                "canal": m.get_channel_display(),
                "destinataire": m.recipient,
                "prevu_le": m.send_at.isoformat(),
                "statut": m.get_status_display(),
                "envoye_le": m.sent_at.isoformat() if m.sent_at else None,
                "remise": m.get_delivery_display() if m.delivery else None,
            }
            for m in rows
        ],
    )
