"""The access journal of visitor files: one append-only, hash-chained table (``AccesJournal``).

Other apps call ``log_access(...)`` when they read or write something about a visitor. Entries hold
who, when, the operation and the visitor's pseudonymous reference — never a name or a value."""

from dataclasses import dataclass

import pgtrigger
from django.db import transaction
from django.utils import timezone

from core.locks import advisory_lock

from .enums import OperationJournal
from .models import JOURNAL_DELETE_TRIGGER, AccesJournal

# The advisory lock that serialises journal writes (keeps the chain linear).
JOURNAL_LOCK = "usagers.journal"


def _append(*, mds, acteur, operation, usager_pk=None, reference="", nombre=None) -> AccesJournal:
    if operation not in OperationJournal.values:
        raise ValueError(f"Opération de journal inconnue : {operation}")
    with transaction.atomic():
        advisory_lock(JOURNAL_LOCK)
        last = AccesJournal.objects.order_by("-id").values_list("hash", flat=True).first()
        entry = AccesJournal(
            mds=mds,
            acteur=acteur if acteur is not None and getattr(acteur, "is_authenticated", False) else None,
            created_at=timezone.now(),
            operation=operation,
            usager_pk=usager_pk,
            reference=reference or "",
            nombre=nombre,
            hash_precedent=last or "",
        )
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        return entry


def log_access(*, user, mds, operation, usager=None, reference=None) -> AccesJournal:
    """Record one operation on a visitor file. ``user`` may be None for automatic operations."""
    if usager is not None:
        mds = mds or usager.mds
        reference = reference or usager.reference
    return _append(
        mds=mds,
        acteur=user,
        operation=operation,
        usager_pk=usager.pk if usager is not None else None,
        reference=reference or "",
    )


def log_count(*, mds, operation, nombre, user=None) -> AccesJournal:
    """Record an automatic batch operation as a count (retention, journal purge)."""
    return _append(mds=mds, acteur=user, operation=operation, nombre=nombre)


@dataclass
class VerificationResult:
    checked: int
    broken_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_id is None


def verify_chain(batch_size: int = 2000) -> VerificationResult:
    """Walk the journal in write order; report the first entry whose own hash does not match its
    content, or whose ``hash_precedent`` does not match the previous entry (altered or removed row).
    The first remaining entry after a purge is trusted as the anchor of the chain."""
    previous_hash = None
    checked = 0
    for entry in AccesJournal.objects.order_by("id").iterator(chunk_size=batch_size):
        if previous_hash is not None and entry.hash_precedent != previous_hash:
            return VerificationResult(checked, entry.pk, "le lien vers l'entrée précédente est rompu")
        if entry.compute_hash() != entry.hash:
            return VerificationResult(checked, entry.pk, "le contenu de l'entrée a été modifié")
        previous_hash = entry.hash
        checked += 1
    return VerificationResult(checked)


def purge_old_entries(*, before) -> dict:
    """The only deletion path of the journal: entries older than ``before`` are deleted (DELETE
    trigger bypassed here only), and the purge itself is journaled as a count per MDS."""
    counts: dict = {}
    with transaction.atomic():
        advisory_lock(JOURNAL_LOCK)
        old = AccesJournal.objects.filter(created_at__lt=before)
        for mds_id in old.values_list("mds_id", flat=True).distinct():
            counts[mds_id] = old.filter(mds_id=mds_id).count()
        if counts:
            with pgtrigger.ignore(JOURNAL_DELETE_TRIGGER):
                old.delete()
    from core.models import MDS

    mds_by_id = MDS.objects.in_bulk([k for k in counts if k is not None])
    for mds_id, nombre in counts.items():
        log_count(mds=mds_by_id.get(mds_id), operation=OperationJournal.PURGE_JOURNAL, nombre=nombre)
    return counts
