"""The visitor picker: search as you type (reference, first letters of a name, phone) in any form
that chooses a visitor, and the same search without JavaScript (the « Chercher » button submits the
form; the view re-renders it with the results, nothing saved).

A form declares ``usager = UsagerPickerField(mds=...)``; its template includes
``usagers/_picker.html`` with ``name``, ``label``, the ``current`` visitor and, after a no-JS search,
``picker`` (from ``searched``)."""

from __future__ import annotations

from django import forms

from .models import Usager
from .selectors import search

MAX_RESULTS = 8
MIN_LENGTH = 2
SEARCH_BUTTON = "chercher_usager"  # the no-JS submit: its value is the picker's field name


def find(queryset, query: str) -> list[Usager]:
    query = (query or "").strip()[:60]
    if len(query) < MIN_LENGTH:
        return []
    return list(search(queryset.not_anonymized(), query).order_by("nom", "prenom", "reference")[:MAX_RESULTS])


def searched(request, queryset) -> dict | None:
    """After the no-JS « Chercher » submit: {"name", "q", "found"} for the template; else None."""
    data = request.POST if request.method == "POST" else request.GET
    name = data.get(SEARCH_BUTTON)
    if not name or not name.isidentifier():
        return None
    q = data.get(f"{name}_q", "").strip()[:60]
    return {"name": name, "q": q, "found": find(queryset, q)}


class UsagerPickerField(forms.ModelChoiceField):
    """The chosen visitor's id (radio buttons of the picker), within the MDS, never an anonymized one."""

    widget = forms.HiddenInput

    def __init__(self, *, mds=None, queryset=None, **kwargs):
        """``mds`` (its records), or an already scoped ``queryset``."""
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Usager")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": "Choisissez la fiche de la personne dans la liste proposée."}
        )
        records = Usager.objects.for_mds(mds) if queryset is None else queryset
        super().__init__(queryset=records.not_anonymized(), **kwargs)
