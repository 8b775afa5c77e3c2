import os
import re

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from phonenumber_field.phonenumber import to_python as to_phone

from core.text_guard import normalize

from . import hooks
from .enums import CanalContact, OperationJournal
from .journal import log_access, log_count, purge_old_entries
from .models import Usager, new_reference_suffix

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


def _months_setting(name: str, default: int) -> int:
    """A Django setting if defined, else the environment variable of the same name, else ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def retention_months() -> int:
    """Months without contact after which a visitor is anonymized (domain brief §8: 2 years)."""
    return _months_setting("USAGERS_RETENTION_MONTHS", 24)


def journal_retention_months() -> int:
    """Months the access journal is kept (CNIL délibération 2021-122: 6 to 12 months)."""
    return _months_setting("JOURNAL_RETENTION_MONTHS", 12)


def search_key(prenom: str, nom: str) -> str:
    """Accent-free, lower-case "prenom nom" (the embedded PostgreSQL has no unaccent)."""
    text = normalize(f"{prenom or ''} {nom or ''}")
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9]", " ", text)).strip()[:130]


def reference_prefix(mds) -> str:
    prefix = re.sub(r"[^A-Z0-9]", "", (mds.code or "").upper())[:3]
    return prefix or "USG"


def suggest_reference(*, mds) -> str:
    """A fresh pseudonymous reference for ``mds``, e.g. MAL-7F3K (31^4 ≈ 900 000 per MDS)."""
    prefix = reference_prefix(mds)
    for length in (4, 4, 4, 5, 6):
        candidate = f"{prefix}-{new_reference_suffix(length)}"
        if not Usager.objects.filter(mds=mds, reference=candidate).exists():
            return candidate
    return f"{prefix}-{new_reference_suffix(8)}"


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


def parse_phone(text: str):
    """The E.164 form of ``text`` when it is a valid (French by default) phone number, else None."""
    digits = re.sub(r"[\s.\-()]", "", text or "")
    if not re.fullmatch(r"\+?\d{6,15}", digits):
        return None
    number = to_phone(digits, region="FR")
    if number is None or not getattr(number, "is_valid", lambda: False)():
        return None
    return number.as_e164


def search(queryset, query: str):
    """Filter by reference (prefix), phone (exact) or name (word prefix on ``recherche``)."""
    query = (query or "").strip()[:60]
    if not query:
        return queryset
    condition = Q(reference__istartswith=query)
    phone = parse_phone(query)
    if phone:
        condition |= Q(telephone=phone)
    key = search_key(query, "")
    if key:
        condition |= Q(recherche__startswith=key) | Q(recherche__contains=f" {key}")
    return queryset.filter(condition)


def find_duplicates(*, mds, prenom="", nom="", telephone=None, exclude_pk=None):
    """Existing records of the MDS with the same phone, or the same first name and last name."""
    condition = Q()
    if telephone:
        condition |= Q(telephone=str(telephone))
    if (prenom or "").strip() and (nom or "").strip():
        condition |= Q(recherche=search_key(prenom, nom))
    if not condition:
        return Usager.objects.none()
    qs = Usager.objects.for_mds(mds).not_anonymized().filter(condition)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("reference")[:5]


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


def retention_cutoff(now=None):
    return (now or timezone.now()) - relativedelta(months=retention_months())


def expired_usagers(now=None):
    cutoff = retention_cutoff(now)
    return (
        Usager.objects.not_anonymized()
        .annotate(dernier=Coalesce("last_contact_at", "created_at"))
        .filter(dernier__lt=cutoff)
    )


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
