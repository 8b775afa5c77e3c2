from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import hooks
from .conf import journal_retention_months
from .enums import CanalContact, OperationJournal
from .journal import log_access, log_count, purge_old_entries
from .models import Usager
from .parsing import search_key
from .selectors import expired_usagers, suggest_reference

# Fields a visitor record may hold that identify the person: blanked by anonymization.
IDENTIFYING_FIELDS = ["prenom", "nom", "telephone", "email", "commune_insee", "note", "recherche"]
# Fields the desk can edit (the form's fields).
EDITABLE_FIELDS = [
    "reference",
    "prenom",
    "nom",
    "telephone",
    "email",
    "canal_contact",
    "langue",
    "besoin_interprete",
    "difficulte_lecture",
    "commune_insee",
    "genre",
    "tranche_age",
    "statut_social",
    "equipements",
    "internet_domicile",
    "note",
]


def _apply(usager: Usager, data: dict) -> None:
    for field in EDITABLE_FIELDS:
        if field in data:
            value = data[field]
            if field == "telephone" and value is None:
                value = ""
            if field == "equipements":
                value = list(value or [])
            if field in ("prenom", "nom", "note", "email", "commune_insee", "reference") and value is None:
                value = ""
            setattr(usager, field, value)
    usager.recherche = search_key(usager.prenom, usager.nom)


@transaction.atomic
def create_usager(*, mds, user, **data) -> Usager:
    usager = Usager(mds=mds)
    _apply(usager, data)
    if not usager.reference:
        usager.reference = suggest_reference(mds=mds)
    usager.full_clean()
    usager.save()
    log_access(user=user, mds=mds, operation=OperationJournal.CREATION, usager=usager)
    return usager


@transaction.atomic
def update_usager(*, usager: Usager, user, **data) -> Usager:
    if usager.anonymise_le:
        raise ValueError("Un usager anonymisé ne peut plus être modifié.")
    previous_channel = usager.canal_contact
    _apply(usager, data)
    if usager.canal_contact == CanalContact.AUCUN and previous_channel != CanalContact.AUCUN:
        usager.opt_out_le = timezone.now()
    elif usager.canal_contact != CanalContact.AUCUN:
        usager.opt_out_le = None
    usager.full_clean()
    usager.save()
    log_access(user=user, mds=usager.mds, operation=OperationJournal.MODIFICATION, usager=usager)
    return usager


@transaction.atomic
def anonymize_usager(*, usager: Usager, user=None, journal=True) -> bool:
    """Irreversibly blank what identifies the visitor; keep the bands (statistics do not change).
    Other apps blank what they hold through ``hooks.anonymizers``. Returns False if already done."""
    usager = Usager.objects.select_for_update().get(pk=usager.pk)
    if usager.anonymise_le:
        return False
    for field in IDENTIFYING_FIELDS:
        setattr(usager, field, "")
    usager.canal_contact = CanalContact.AUCUN
    usager.opt_out_le = None
    usager.anonymise_le = timezone.now()
    usager.save()
    for anonymizer in hooks.anonymizers:
        anonymizer(usager)
    if journal:
        log_access(user=user, mds=usager.mds, operation=OperationJournal.ANONYMISATION, usager=usager)
    return True


def apply_retention(*, now=None, batch_size: int = 500) -> int:
    """Anonymize visitors without contact for USAGERS_RETENTION_MONTHS (default 24); idempotent.
    Journaled as one count per MDS. Returns how many visitors were anonymized."""
    total = 0
    per_mds: dict = {}
    while True:
        batch = list(expired_usagers(now).select_related("mds").order_by("pk")[:batch_size])
        if not batch:
            break
        for usager in batch:
            if anonymize_usager(usager=usager, journal=False):
                total += 1
                per_mds.setdefault(usager.mds, 0)
                per_mds[usager.mds] += 1
    for mds, nombre in per_mds.items():
        log_count(mds=mds, operation=OperationJournal.RETENTION, nombre=nombre)
    return total


def purge_journal(*, now=None) -> int:
    """Delete journal entries older than JOURNAL_RETENTION_MONTHS (default 12); returns the count."""
    before = (now or timezone.now()) - relativedelta(months=journal_retention_months())
    return sum(purge_old_entries(before=before).values())


def record_contact(*, usager_id: int, when=None) -> None:
    """Move ``last_contact_at`` forward (never back): called by every service that records a contact
    (accompaniment, appointment, atelier). It is what the 24-month retention counts from."""
    when = when or timezone.now()
    Usager.objects.filter(pk=usager_id).filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=when)).update(
        last_contact_at=when
    )
