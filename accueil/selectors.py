"""Reads shared by views, the kiosk and the reports."""

from datetime import date, timedelta

from django.utils import timezone

from core.dates import PARIS

from .calendar import Creneau, DeskCalendar
from .enums import STATUTS_FILE, StatutPassage
from .models import Passage, RendezVous


def free_slots(*, mds, motif, start_date: date, end_date: date, mediateur=None, now=None) -> list[Creneau]:
    """Free slots of ``motif`` at ``mds`` between two local dates (inclusive), honouring opening
    hours, public holidays, closures, availabilities, absences, existing bookings, the motif's
    minimum delay and horizon. ``mediateur`` restricts to one mediator. Five queries."""
    now = now or timezone.now()
    earliest = now + timedelta(minutes=motif.delai_minimum_minutes)
    latest = now + timedelta(days=motif.horizon_jours)
    start_date = max(start_date, earliest.astimezone(PARIS).date())
    end_date = min(end_date, latest.astimezone(PARIS).date())
    if end_date < start_date:
        return []
    calendar = DeskCalendar.load(mds=mds, start_date=start_date, end_date=end_date)
    return calendar.slots(
        duree=motif.duree,
        start_date=start_date,
        end_date=end_date,
        earliest=earliest,
        latest=latest,
        mediateur_id=mediateur.pk if mediateur else None,
    )


def local_today() -> date:
    return timezone.localdate()


def queue_of_day(*, mds, day: date | None = None):
    """Waiting and called passages of the day, priority first then arrival (2 queries with motif)."""
    day = day or local_today()
    return list(Passage.objects.file_du_jour(mds, day).select_related("usager", "motif", "rendez_vous"))


def recent_passages(*, mds, day: date | None = None, limit=20):
    day = day or local_today()
    return list(
        Passage.objects.filter(mds=mds, jour=day)
        .exclude(statut__in=STATUTS_FILE)
        .select_related("usager", "motif", "pris_en_charge_par")
        .order_by("-arrivee_le")[:limit]
    )


def called_tickets(*, mds, day: date | None = None, limit=6):
    """What the waiting-room screen shows: ticket numbers and desks only."""
    day = day or local_today()
    return list(
        Passage.objects.filter(
            mds=mds, jour=day, statut__in=[StatutPassage.APPELE, StatutPassage.EN_CHARGE], appele_le__isnull=False
        )
        .order_by("-appele_le")
        .values("numero", "guichet", "appele_le", "statut")[:limit]
    )


def appointments_between(*, mds, start, end, mediateur=None):
    qs = RendezVous.objects.filter(mds=mds, debut__lt=end, fin__gt=start)
    if mediateur is not None:
        qs = qs.filter(mediateur=mediateur)
    return qs.select_related("usager", "motif", "mediateur", "passage").order_by("debut", "pk")
