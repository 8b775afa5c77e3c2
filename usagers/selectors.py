"""Reads of visitor records: desk search, duplicates, a free reference, visitors past retention."""

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .conf import retention_months
from .models import Usager, new_reference_suffix
from .parsing import parse_phone, reference_prefix, search_key


def suggest_reference(*, mds) -> str:
    """A fresh pseudonymous reference for ``mds``, e.g. MAL-7F3K (31^4 ≈ 900 000 per MDS)."""
    prefix = reference_prefix(mds)
    for length in (4, 4, 4, 5, 6):
        candidate = f"{prefix}-{new_reference_suffix(length)}"
        if not Usager.objects.filter(mds=mds, reference=candidate).exists():
            return candidate
    return f"{prefix}-{new_reference_suffix(8)}"


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


def retention_cutoff(now=None):
    return (now or timezone.now()) - relativedelta(months=retention_months())


def expired_usagers(now=None):
    cutoff = retention_cutoff(now)
    return (
        Usager.objects.not_anonymized()
        .annotate(dernier=Coalesce("last_contact_at", "created_at"))
        .filter(dernier__lt=cutoff)
    )
