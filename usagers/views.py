from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from core.permissions import can, require
from core.scoping import get_scoped_or_404, scoped

from . import hooks, services
from .enums import Equipement, OperationJournal
from .forms import UsagerForm
from .journal import log_access
from .models import Usager

PAGE_SIZE = 25


def _no_mds(request):
    return render(request, "core/no_mds.html", {"page_title": "Aucune MDS"}, status=403)


@login_required
@require("usagers.view")
def liste(request):
    if request.mds is None:
        return _no_mds(request)
    query = (request.GET.get("q") or "").strip()[:60]
    usagers = services.search(scoped(Usager, request).not_anonymized(), query).order_by("-updated_at", "reference")
    page = Paginator(usagers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "usagers/liste.html",
        {
            "page": page,
            "q": query,
            "query_string": urlencode({"q": query}) if query else "",
            "can_edit": can(request.user, "usagers.edit"),
            "page_title": "Usagers",
        },
    )


@login_required
@require("usagers.edit")
@require_http_methods(["GET", "POST"])
def nouveau(request):
    if request.mds is None:
        return _no_mds(request)
    form = UsagerForm(
        request.POST or None, mds=request.mds, initial={"reference": services.suggest_reference(mds=request.mds)}
    )
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.service_data()
        if not request.POST.get("confirmer_doublon"):
            duplicates = list(
                services.find_duplicates(
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
