"""Seals of the session log (docs/securite.md): each activity, with its démarches and steps, gets a
numbered seal whose keyed hash (HMAC-SHA256, ``JOURNAL_HMAC_KEY``) covers the previous seal and a
digest of the activity's content. ``verify()`` recomputes everything from the rows."""

import datetime as dt
import hashlib
import json

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from core.journal_integrity import (
    VerificationResult,
    keyed_hash,
    last_checkpoint,
    timestamp,
    verify_checkpoints,
    write_checkpoint,
)
from core.locks import advisory_lock

from .models import JournalActivite, JournalDemarche, JournalEtape, SceauJournal

JOURNAL = SceauJournal.JOURNAL_NAME
LOCK = "mediation.sceau"  # serialises seal writes (keeps the chain linear)


def _fields(model, skip=()):
    return [f.attname for f in model._meta.concrete_fields if f.attname not in skip]


ACTIVITE_FIELDS = _fields(JournalActivite)
DEMARCHE_FIELDS = _fields(JournalDemarche, skip=("id", "activite_id"))
ETAPE_FIELDS = _fields(JournalEtape, skip=("id", "demarche_id"))


def _plain(value):
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def digest(activite: JournalActivite) -> str:
    """Digest of an activity and its démarches and steps (prefetched: ``demarches__etapes``)."""
    content = {
        "activite": {name: _plain(getattr(activite, name)) for name in ACTIVITE_FIELDS},
        "demarches": [
            {
                **{name: _plain(getattr(d, name)) for name in DEMARCHE_FIELDS},
                "etapes": [
                    {name: _plain(getattr(e, name)) for name in ETAPE_FIELDS}
                    for e in sorted(d.etapes.all(), key=lambda e: (e.ordre, e.pk))
                ],
            }
            for d in sorted(activite.demarches.all(), key=lambda d: (d.ordre, d.pk))
        ],
    }
    payload = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def seal_hash(*, numero, previous, activite_id, content_digest) -> str:
    return keyed_hash("seance", numero, previous, activite_id, content_digest)


def _head() -> tuple[int, str]:
    last = SceauJournal.objects.order_by("-numero").values_list("numero", "hash").first()
    return last or (0, "")


def _seal_all(activites) -> int:
    numero, previous = _head()
    now = timezone.now()
    seals = []
    for activite in activites:
        numero += 1
        hash_ = seal_hash(numero=numero, previous=previous, activite_id=activite.pk, content_digest=digest(activite))
        seals.append(
            SceauJournal(numero=numero, activite_id=activite.pk, created_at=now, hash_precedent=previous, hash=hash_)
        )
        previous = hash_
    SceauJournal.objects.bulk_create(seals)
    return len(seals)


def sceller(activite: JournalActivite) -> None:
    """Seal one freshly written activity (same transaction as the write; serialised by a lock held
    until commit, so seals are chained in commit order)."""
    with transaction.atomic():
        advisory_lock(LOCK)
        _seal_all(JournalActivite.objects.filter(pk=activite.pk).prefetch_related("demarches__etapes"))


def sceller_en_attente(batch_size: int = 2000) -> int:
    """Seal every activity that has no seal yet (bulk loads, e.g. demo data written by COPY)."""
    total = 0
    while True:
        with transaction.atomic():
            advisory_lock(LOCK)
            ids = list(
                JournalActivite.objects.exclude(pk__in=SceauJournal.objects.values("activite_id"))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            rows = JournalActivite.objects.filter(pk__in=ids).order_by("pk").prefetch_related("demarches__etapes")
            total += _seal_all(rows)


def checkpoint(*, force: bool = False):
    with transaction.atomic():
        advisory_lock(LOCK)
        head = SceauJournal.objects.aggregate(numero=Max("numero"), nombre=Count("id"))
        if head["numero"] is None:
            return None
        point = last_checkpoint(JOURNAL)
        if point is not None and point.numero == head["numero"] and not force:
            return None
        tete = SceauJournal.objects.get(numero=head["numero"]).hash
        return write_checkpoint(
            journal=JOURNAL, nature="periodique", numero=head["numero"], nombre=head["nombre"], tete=tete
        )


def _batches(queryset, size):
    batch = []
    for row in queryset.iterator(chunk_size=size):
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def verify(batch_size: int = 1000) -> VerificationResult:  # noqa: C901 — one linear walk
    """Walk the seals by number; report the first missing seal, broken link, deleted or altered
    activity (démarches and steps included), seal recomputed without the key, seals a checkpoint
    vouches for that are gone (truncation), and activities written without a seal."""
    points, problem = verify_checkpoints(JOURNAL)
    if points is None:
        return VerificationResult(0, None, problem, failed=True)
    vouched = {p.numero: p.tete for p in points}
    expected, previous, checked = 1, "", 0
    for batch in _batches(SceauJournal.objects.order_by("numero"), batch_size):
        activites = JournalActivite.objects.filter(pk__in=[s.activite_id for s in batch]).prefetch_related(
            "demarches__etapes"
        )
        by_id = {a.pk: a for a in activites}
        for seal in batch:
            if seal.numero != expected:
                reason = f"sceaux n° {expected} à {seal.numero - 1} supprimés avec leurs activités"
                return VerificationResult(checked, seal.activite_id, reason, failed=True)
            if seal.hash_precedent != previous:
                return VerificationResult(checked, seal.activite_id, "le lien vers le sceau précédent est rompu", True)
            activite = by_id.get(seal.activite_id)
            if activite is None:
                return VerificationResult(checked, seal.activite_id, "l'activité scellée a été supprimée", True)
            expected_hash = seal_hash(
                numero=seal.numero, previous=previous, activite_id=activite.pk, content_digest=digest(activite)
            )
            if expected_hash != seal.hash:
                reason = (
                    "l'activité (ou une de ses démarches ou étapes) a été modifiée, ou le sceau recalculé sans la clé"
                )
                return VerificationResult(checked, activite.pk, reason, failed=True)
            if vouched.get(seal.numero, seal.hash) != seal.hash:
                return VerificationResult(checked, activite.pk, "le sceau diffère du point de contrôle", True)
            previous = seal.hash
            expected += 1
            checked += 1
    top = max((p.numero for p in points), default=0)
    if top >= expected:
        reason = f"les sceaux n° {expected} à {top}, attestés par un point de contrôle, ont disparu (troncature)"
        return VerificationResult(checked, None, reason, failed=True)
    unsealed = JournalActivite.objects.exclude(pk__in=SceauJournal.objects.values("activite_id")).count()
    if unsealed:
        reason = f"{unsealed} activité(s) sans sceau (écrites hors de l'application ou en attente de scellement)"
        return VerificationResult(checked, None, reason, failed=True)
    return VerificationResult(checked)
