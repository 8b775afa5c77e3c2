"""Reads of the outbox: what the desk shows (visitor page, appointment page) and dashboard counts."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q

from .enums import Delivery, Status
from .models import Message


def visible_messages(*, usager=None, obj=None, limit=20):
    rows = Message.objects.select_related("object_type")
    if usager is not None:
        rows = rows.filter(usager=usager)
    else:
        rows = rows.filter(object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
    return list(
        rows.exclude(Q(status=Status.ANNULE) & Q(sent_at__isnull=True) & Q(attempts=0)).order_by("-send_at")[:limit]
    )


def history_context(request, usager):
    """Visitor page section: the messages sent to the visitor (the page itself checks access)."""
    return {"messages_usager": visible_messages(usager=usager)}


def delivery_stats(*, mds=None, start=None, end=None) -> dict:
    """Counts for dashboards (pilotage): messages by status and delivery over [start, end) of the
    planned send time, and the delivery rate (sent ÷ sent-or-failed). Not personal data."""
    rows = Message.objects.all()
    if mds is not None:
        rows = rows.filter(mds=mds)
    if start is not None:
        rows = rows.filter(send_at__gte=start)
    if end is not None:
        rows = rows.filter(send_at__lt=end)
    counts = rows.aggregate(
        envoyes=Count("pk", filter=Q(status=Status.ENVOYE)),
        echecs=Count("pk", filter=Q(status=Status.ECHEC)),
        annules=Count("pk", filter=Q(status=Status.ANNULE)),
        planifies=Count("pk", filter=Q(status__in=[Status.PLANIFIE, Status.EN_COURS])),
        remis=Count("pk", filter=Q(delivery=Delivery.LIVRE)),
        non_remis=Count("pk", filter=Q(delivery=Delivery.NON_LIVRE)),
    )
    done = counts["envoyes"] + counts["echecs"]
    counts["taux_envoi"] = round(counts["envoyes"] / done, 3) if done else None
    return counts
