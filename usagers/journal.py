"""The access journal of visitor files: one append-only, numbered, HMAC-chained table (``AccesJournal``).

Other apps call ``log_access(...)`` when they read or write something about a visitor, or
``log_consultations(...)`` for the references a page showed. Entries hold who, when, the operation
and the visitor's pseudonymous reference — never a name or a value. Integrity design:
docs/securite.md and core/journal_integrity.py."""

from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from core.journal_integrity import (
    VerificationResult,
    last_checkpoint,
    verify_checkpoints,
    write_checkpoint,
)
from core.locks import advisory_lock

from .consultations import note_journaled
from .enums import OperationJournal
from .models import AccesJournal

JOURNAL = AccesJournal.JOURNAL_NAME
# The advisory lock that serialises journal writes (keeps the chain linear).
JOURNAL_LOCK = "usagers.journal"


def _lock() -> None:
    advisory_lock(JOURNAL_LOCK)


def _head() -> tuple[int, str]:
    """(numero, hash) of the last entry ever written: the last row, or — journal emptied by a
    purge — the last checkpoint."""
    last = AccesJournal.objects.order_by("-numero").values_list("numero", "hash").first()
    if last is not None:
        return last
    point = last_checkpoint(JOURNAL)
    return (point.numero, point.tete) if point else (0, "")


def _new_entry(
    numero, previous, *, mds=None, mds_id=None, acteur, operation, usager_pk=None, reference="", nombre=None, now=None
):
    if operation not in OperationJournal.values:
        raise ValueError(f"Opération de journal inconnue : {operation}")
    entry = AccesJournal(
        numero=numero,
        mds_id=mds.pk if mds is not None else mds_id,
        acteur=acteur if acteur is not None and getattr(acteur, "is_authenticated", False) else None,
        created_at=now or timezone.now(),
        operation=operation,
        usager_pk=usager_pk,
        reference=reference or "",
        nombre=nombre,
        hash_precedent=previous,
    )
    entry.hash = entry.compute_hash()
    return entry


def _append_many(specs: list[dict]) -> list[AccesJournal]:
    """Append entries in one transaction and one INSERT, under the journal lock."""
    with transaction.atomic():
        _lock()
        numero, previous = _head()
        now = timezone.now()
        entries = []
        for spec in specs:
            numero += 1
            entry = _new_entry(numero, previous, now=now, **spec)
            previous = entry.hash
            entries.append(entry)
        return AccesJournal.objects.bulk_create(entries)


def _append(**spec) -> AccesJournal:
    return _append_many([spec])[0]


def log_access(*, user, mds, operation, usager=None, reference=None) -> AccesJournal:
    """Record one operation on a visitor file. ``user`` may be None for automatic operations."""
    if usager is not None:
        mds = mds or usager.mds
        reference = reference or usager.reference
        if operation == OperationJournal.CONSULTATION:
            note_journaled(usager.pk)
    return _append(
        mds=mds,
        acteur=user,
        operation=operation,
        usager_pk=usager.pk if usager is not None else None,
        reference=reference or "",
    )


def log_consultations(*, user, shown: list[tuple]) -> list[AccesJournal]:
    """Record that a page showed these visitors: ``shown`` is a list of (mds_id, usager_pk,
    reference), without duplicates. One transaction, one INSERT (usagers.consultations, once per
    request)."""
    if not shown:
        return []
    operation = OperationJournal.CONSULTATION
    return _append_many(
        [
            {"mds_id": mds_id, "acteur": user, "operation": operation, "usager_pk": pk, "reference": ref}
            for mds_id, pk, ref in shown
        ]
    )


def log_count(*, mds, operation, nombre, user=None) -> AccesJournal:
    """Record an automatic batch operation as a count (retention, journal purge)."""
    return _append(mds=mds, acteur=user, operation=operation, nombre=nombre)


def checkpoint(*, force: bool = False):
    """Write a periodic checkpoint of the head (skipped when nothing was written since the last one)."""
    with transaction.atomic():
        _lock()
        head = AccesJournal.objects.aggregate(numero=Max("numero"), nombre=Count("id"))
        if head["numero"] is None:
            return None
        point = last_checkpoint(JOURNAL)
        if point is not None and point.numero == head["numero"] and not force:
            return None
        tete = AccesJournal.objects.get(numero=head["numero"]).hash
        return write_checkpoint(
            journal=JOURNAL, nature="periodique", numero=head["numero"], nombre=head["nombre"], tete=tete
        )


def verify_chain(batch_size: int = 2000) -> VerificationResult:
    """Walk the journal by number from its anchor (the start, or the last purge checkpoint); report
    the first missing number (deletion, oldest rows included), broken link, entry whose keyed hash
    does not match (edit, or chain recomputed without the key), entry differing from a checkpoint, or
    entries a checkpoint vouches for that are gone (truncation, deletion of the last rows)."""
    points, problem = verify_checkpoints(JOURNAL)
    if points is None:
        return VerificationResult(0, None, problem, failed=True)
    purges = [p for p in points if p.nature == "purge"]
    anchor, previous = (purges[-1].numero, purges[-1].tete) if purges else (0, "")
    vouched = {p.numero: p.tete for p in points if p.numero > anchor}
    expected, checked = anchor + 1, 0
    for entry in AccesJournal.objects.order_by("numero").iterator(chunk_size=batch_size):
        if entry.numero < expected:
            return VerificationResult(checked, entry.pk, f"entrée n° {entry.numero} antérieure à l'ancre", failed=True)
        if entry.numero > expected:
            reason = f"entrées n° {expected} à {entry.numero - 1} supprimées (suppression hors purge)"
            return VerificationResult(checked, entry.pk, reason, failed=True)
        if entry.hash_precedent != previous:
            return VerificationResult(checked, entry.pk, "le lien vers l'entrée précédente est rompu", failed=True)
        if entry.compute_hash() != entry.hash:
            reason = "le contenu de l'entrée a été modifié (ou l'empreinte recalculée sans la clé)"
            return VerificationResult(checked, entry.pk, reason, failed=True)
        if vouched.get(entry.numero, entry.hash) != entry.hash:
            return VerificationResult(checked, entry.pk, "l'entrée diffère du point de contrôle", failed=True)
        previous = entry.hash
        expected += 1
        checked += 1
    top = max((p.numero for p in points), default=0)
    if top >= expected:
        reason = (
            f"les entrées n° {expected} à {top}, attestées par un point de contrôle, ont disparu "
            "(troncature ou suppression des dernières entrées)"
        )
        return VerificationResult(checked, None, reason, failed=True)
    return VerificationResult(checked)


def purge_old_entries(*, before) -> dict:
    """The only deletion path of the journal: the oldest entries, up to the last one written before
    ``before``, are deleted by the owner-defined function ``usagers_purger_journal`` (which refuses
    entries younger than six months), and a purge checkpoint records what went, so that
    ``verifier_journal`` tells this purge from a deletion. The purge is then journaled per MDS."""
    with transaction.atomic():
        _lock()
        bounds = AccesJournal.objects.aggregate(
            old=Max("numero", filter=Q(created_at__lt=before)),
            recent=Min("numero", filter=Q(created_at__gte=before)),
        )
        if bounds["old"] is None:
            return {}
        last = bounds["old"] if bounds["recent"] is None else min(bounds["old"], bounds["recent"] - 1)
        if last <= 0:
            return {}
        doomed = AccesJournal.objects.filter(numero__lte=last)
        counts = dict(doomed.order_by().values_list("mds_id").annotate(n=Count("id")))
        tete = doomed.get(numero=last).hash
        with connection.cursor() as cursor:
            cursor.execute("SELECT usagers_purger_journal(%s)", [last])
            deleted = cursor.fetchone()[0]
        write_checkpoint(journal=JOURNAL, nature="purge", numero=last, nombre=deleted, tete=tete)
    from core.models import MDS

    mds_by_id = MDS.objects.in_bulk([k for k in counts if k is not None])
    for mds_id, nombre in counts.items():
        log_count(mds=mds_by_id.get(mds_id), operation=OperationJournal.PURGE_JOURNAL, nombre=nombre)
    return counts
