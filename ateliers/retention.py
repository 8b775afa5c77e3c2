"""Retention of atelier registrations: those of séances older than ``RENDEZ_VOUS_RETENTION_MONTHS``
(24 by default) lose the visitor record and the first name typed at the kiosk; the registration
stays, anonymous, for the séance's counts (accueil/retention.py does the same for appointments)."""

from __future__ import annotations

import logging

from django.db.models import Q

from usagers.conf import rendez_vous_limite

from .models import Inscription

logger = logging.getLogger(__name__)


def anonymiser_anciennes(now=None) -> int:
    """Idempotent: a registration already anonymous is not written again."""
    cutoff = rendez_vous_limite(now)
    count = (
        Inscription.objects.filter(seance__debut__lt=cutoff)
        .filter(Q(usager__isnull=False) | ~Q(prenom_ou_initiales=""))
        .update(usager=None, prenom_ou_initiales="")
    )
    logger.info("retention_ateliers", extra={"inscriptions": count, "avant": cutoff.date().isoformat()})
    return count
