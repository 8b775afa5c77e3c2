from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods

from core.pagination import paginate
from core.permissions import can, require
from core.scoping import get_scoped_or_404, mds_required, scoped

from . import hooks, picker, rights, selectors, services
from .enums import Equipement, OperationJournal
from .forms import JournalFilterForm, UsagerForm
from .journal import log_access
from .models import AccesJournal, Usager


@login_required
@require("usagers.view")
@mds_required
def liste(request):
    query = (request.GET.get("q") or "").strip()[:60]
    usagers = selectors.search(scoped(Usager, request).not_anonymized(), query).order_by("-updated_at", "reference")
    page = paginate(request, usagers)
    return render(
        request,
        "usagers/liste.html",
        {
            "page": page,
            "q": query,
            "query_string": urlencode({"q": query}) if query else "",
            "can_edit": can(request.user, "usagers.edit"),
            "can_journal": can(request.user, "usagers.journal"),
            "page_title": "Usagers",
        },
    )


@login_required
@require("usagers.view")
@require_GET
@mds_required
def choix(request):
    """The picker's results as you type: radio buttons named ``name`` (8 at most), for any form
    that chooses a visitor (usagers/_picker.html)."""
    name = request.GET.get("name", "usager")
    name = name if name.isidentifier() else "usager"
    q = request.GET.get(f"{name}_q", request.GET.get("q", "")).strip()[:60]
    found = picker.find(scoped(Usager, request), q)
    return render(request, "usagers/_picker_choix.html", {"found": found, "q": q, "name": name})


@login_required
@require("usagers.edit")
@require_http_methods(["GET", "POST"])
@mds_required
def nouveau(request):
    form = UsagerForm(
        request.POST or None, mds=request.mds, initial={"reference": selectors.suggest_reference(mds=request.mds)}
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not request.POST.get("confirmer_doublon"):
            duplicates = list(
                selectors.find_duplicates(
                    mds=request.mds, prenom=data["prenom"], nom=data["nom"], telephone=data["telephone"]
                )
            )
        if not duplicates:
            usager = services.create_usager(mds=request.mds, user=request.user, **data)
            messages.success(request, f"Fiche {usager.reference} créée.")
            return redirect("usagers:detail", pk=usager.pk)
    return render(
        request,
        "usagers/form.html",
        {"form": form, "duplicates": duplicates, "page_title": "Nouvel usager", "creation": True},
    )


@login_required
@require("usagers.view")
def detail(request, pk):
    usager = get_scoped_or_404(Usager.objects.select_related("mds"), request, pk=pk)
    log_access(user=request.user, mds=request.mds, operation=OperationJournal.CONSULTATION, usager=usager)
    sections = []
    if not usager.anonymise_le:
        for section in hooks.history_sections:
            context = section.get_context(request, usager)
            if context is None:
                continue
            context = {"usager": usager, "section": section, **context}
            sections.append(
                {"title": section.title, "html": mark_safe(render_to_string(section.template_name, context, request))}  # noqa: S308
            )
    return render(
        request,
        "usagers/detail.html",
        {
            "usager": usager,
            "sections": sections,
            "equipements": ", ".join(Equipement(e).label for e in usager.equipements if e in Equipement.values),
            "can_edit": can(request.user, "usagers.edit") and not usager.anonymise_le,
            "can_rights": can(request.user, "usagers.rights"),
            "page_title": f"Usager {usager.reference}",
        },
    )


@login_required
@require("usagers.edit")
@require_http_methods(["GET", "POST"])
def modifier(request, pk):
    usager = get_scoped_or_404(Usager, request, pk=pk)
    if usager.anonymise_le:
        raise Http404("Usager anonymisé")
    form = UsagerForm(request.POST or None, instance=usager, mds=request.mds)
    if request.method == "POST" and form.is_valid():
        services.update_usager(usager=Usager.objects.get(pk=usager.pk), user=request.user, **form.service_data())
        messages.success(request, "Fiche mise à jour.")
        return redirect("usagers:detail", pk=usager.pk)
    return render(
        request,
        "usagers/form.html",
        {
            "form": form,
            "usager": usager,
            "duplicates": [],
            "page_title": f"Modifier l'usager {usager.reference}",
            "cancel_url": reverse("usagers:detail", kwargs={"pk": usager.pk}),
        },
    )


@login_required
@require("usagers.journal")
@mds_required
def journal(request):
    """Director's read-only view of the access journal of their MDS (nobody can edit it)."""
    form = JournalFilterForm(request.GET or None, mds=request.mds)
    entries = scoped(AccesJournal, request).select_related("acteur").order_by("-id")
    filters = {}
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        if reference:
            entries = entries.filter(reference=reference)
            filters["reference"] = reference
        if form.cleaned_data["acteur"]:
            entries = entries.filter(acteur=form.cleaned_data["acteur"])
            filters["acteur"] = form.cleaned_data["acteur"].pk
    page = paginate(request, entries, per_page=2 * settings.PAGE_SIZE)  # a denser list
    return render(
        request,
        "usagers/journal.html",
        {
            "form": form,
            "page": page,
            "query_string": urlencode(filters),
            "filtered": bool(filters),
            "page_title": "Journal des accès",
        },
    )


@login_required
@require("usagers.rights")
@require_http_methods(["GET", "POST"])
def exporter(request, pk):
    """Right of access: GET explains, POST produces the JSON file or the printable page (journaled)."""
    usager = get_scoped_or_404(Usager.objects.select_related("mds"), request, pk=pk)
    if request.method == "POST":
        fmt = request.POST.get("format")
        if fmt not in ("json", "html"):
            messages.error(request, "Choisissez le format de l'export : fichier JSON ou page imprimable.")
            return redirect("usagers:exporter", pk=usager.pk)
        data = rights.export_usager(usager=usager, user=request.user)
        if fmt == "json":
            response = JsonResponse(
                data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
            )
            response["Content-Disposition"] = f'attachment; filename="donnees-{usager.reference}.json"'
            response["Cache-Control"] = "no-store"
            return response
        sections = [{"titre": s["titre"], "contenu": rights.for_display(s["donnees"])} for s in data["sections"]]
        response = render(
            request,
            "usagers/export_print.html",
            {"export": data, "sections": sections, "page_title": data["titre"]},
        )
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "usagers/exporter.html", {"usager": usager, "page_title": "Exporter les données"})


@login_required
@require("usagers.rights")
@require_http_methods(["GET", "POST"])
def anonymiser(request, pk):
    """Right to erasure: confirmation page, then irreversible anonymization (journaled)."""
    usager = get_scoped_or_404(Usager, request, pk=pk)
    if usager.anonymise_le:
        messages.info(request, "Cette fiche est déjà anonymisée.")
        return redirect("usagers:detail", pk=usager.pk)
    error = None
    if request.method == "POST":
        if request.POST.get("confirmer") == "oui":
            services.anonymize_usager(usager=usager, user=request.user)
            messages.success(request, f"La fiche {usager.reference} a été anonymisée.")
            return redirect("usagers:detail", pk=usager.pk)
        error = "Cochez la case pour confirmer l'anonymisation."
    return render(
        request,
        "usagers/anonymiser.html",
        {"usager": usager, "error": error, "page_title": f"Anonymiser la fiche {usager.reference}"},
        status=400 if error else 200,
    )
