"""Retention of desk records: appointments and passages older than ``RENDEZ_VOUS_RETENTION_MONTHS``
(24 by default) lose what ties them to a person — the visitor record they point to, the first name
or initials, the reminder phone, the free-text redirection. The rows stay, anonymous, for the
statistics already published (same counts by status, channel, motif, wait; no report made stale:
the pilotage triggers ignore changes to these columns, pilotage 0009)."""

from __future__ import annotations

import logging

from django.db.models import Q

from usagers.conf import rendez_vous_limite

from .models import Passage, RendezVous

logger = logging.getLogger(__name__)


def anonymiser_anciens(now=None) -> dict[str, int]:
    """Idempotent: a row already anonymous is not written again (a second run finds nothing)."""
    cutoff = rendez_vous_limite(now)
    rendez_vous = (
        RendezVous.objects.filter(debut__lt=cutoff)
        .filter(Q(usager__isnull=False) | ~Q(prenom_ou_initiales="") | ~Q(telephone=""))
        .update(usager=None, prenom_ou_initiales="", telephone="")
    )
    passages = (
        Passage.objects.filter(jour__lt=cutoff.date())
        .filter(Q(usager__isnull=False) | ~Q(prenom_ou_initiales="") | ~Q(reorientation=""))
        .update(usager=None, prenom_ou_initiales="", reorientation="")
    )
    counts = {"rendez_vous": rendez_vous, "passages": passages}
    logger.info("retention_accueil", extra={**counts, "avant": cutoff.date().isoformat()})
    return counts
