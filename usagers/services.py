from django.db.models import Q
from django.utils import timezone

from .models import Usager


def record_contact(*, usager_id: int, when=None) -> None:
    """Move ``last_contact_at`` forward (never back): called by every service that records a contact
    (accompaniment, appointment, atelier). It is what the 24-month retention counts from."""
    when = when or timezone.now()
    Usager.objects.filter(pk=usager_id).filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=when)).update(
        last_contact_at=when
    )
