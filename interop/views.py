"""Staff screens of the interop app: Coop exports, API clients (coordinateurs), calendar
subscription on « Mon compte », external busy-time calendars (directors). Thin: parse, check,
call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accueil.borne.ratelimit import client_ip
from core.models import MDS, User
from core.permissions import can, require
from core.scoping import mds_required

from . import calendars, coop_mapping, exports, forms, services
from .models import AbonnementCalendrier, AgendaExterne, ClientApi

# --- Coop exports ------------------------------------------------------------------------------


def _perimetre_export(request):
    """MDS ids and mediator of an export, from the query string, within what the user may see:
    coordinateurs the Département (or a selection), directors their MDS, desk staff their own acts."""
    codes = request.GET.getlist("mds")
    user = request.user
    if can(user, "pilotage.departement"):
        qs = MDS.objects.filter(active=True)
        mediateur_id = None
    elif can(user, "pilotage.mds"):
        qs = user.mds_list()
        mediateur_id = None
    elif can(user, "pilotage.own_activity"):
        qs = user.mds_list()
        mediateur_id = user.pk
    else:
        raise PermissionDenied
    if codes:
        qs = qs.filter(code__in=codes)
    mds = list(qs.order_by("nom"))
    if not mds or (codes and len(mds) != len(set(codes))):
        raise Http404("MDS inconnue.")
    return mds, mediateur_id


def _dates(request):
    try:
        du = dt.date.fromisoformat(request.GET.get("du", ""))
        au = dt.date.fromisoformat(request.GET.get("au", ""))
    except ValueError:
        return None
    if au < du or (au - du).days > 400:
        return None
    return du, au


@login_required
def export_coop(request, fmt):
    """Anonymous activities of a period in the Coop's vocabulary: CSV (codes) or XLSX (labels)."""
    dates = _dates(request)
    if dates is None:
        return HttpResponseBadRequest("Période invalide : du=AAAA-MM-JJ&au=AAAA-MM-JJ (au plus 400 jours).")
    mds, mediateur_id = _perimetre_export(request)
    du, au = dates
    queryset = coop_mapping.courantes(debut=du, fin=au, mds_ids=[m.pk for m in mds], mediateur_id=mediateur_id)
    name = f"activites_coop_{du:%Y%m%d}_{au:%Y%m%d}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_activites(coop_mapping.par_lots(queryset)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    perimetre = "Mon activité" if mediateur_id else ", ".join(m.nom for m in mds)
    contexte = f"{perimetre} — du {du:%d/%m/%Y} au {au:%d/%m/%Y}"
    response = HttpResponse(
        exports.xlsx_activites(coop_mapping.par_lots(queryset), contexte=contexte), content_type=exports.XLSX_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


# --- API clients (coordinateurs) -----------------------------------------------------------------


@login_required
@require("interop.api_clients")
def clients_api(request):
    form = forms.ClientApiForm(request.POST or None)
    token = None
    if request.method == "POST" and form.is_valid():
        try:
            client, token = services.creer_client(
                nom=form.cleaned_data["nom"], scopes=form.cleaned_data["scopes"], par=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, f"Jeton créé pour « {client.nom} ». Copiez-le maintenant : il ne sera plus affiché."
            )
            form = forms.ClientApiForm()
    clients = ClientApi.objects.select_related("cree_par", "revoque_par").order_by("revoque_le", "-cree_le")
    context = {
        "page_title": "Accès à l'API des activités",
        "clients": clients,
        "form": form,
        "token": token,
        "api_url": request.build_absolute_uri("/api/v1/activites"),
        "openapi_url": request.build_absolute_uri("/api/v1/openapi.json"),
    }
    response = render(request, "interop/clients_api.html", context)
    if token:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require("interop.api_clients")
@require_POST
def revoquer_client_api(request, pk):
    client = get_object_or_404(ClientApi, pk=pk)
    services.revoquer_client(client=client, par=request.user)
    messages.success(request, f"Le jeton de « {client.nom} » est révoqué : ses appels sont refusés.")
    return redirect("interop:clients_api")


# --- « Mon compte »: calendar subscription -------------------------------------------------------


@login_required
def mon_compte(request):
    abonnements = AbonnementCalendrier.objects.filter(user=request.user).order_by("-cree_le")[:10]
    return render(
        request,
        "interop/mon_compte.html",
        {
            "page_title": "Mon compte",
            "abonnements": abonnements,
            "peut_s_abonner": can(request.user, "interop.calendrier"),
        },
    )


@login_required
@require("interop.calendrier")
@require_POST
def creer_abonnement(request):
    _abonnement, token = services.creer_abonnement(user=request.user)
    url = request.build_absolute_uri(reverse("interop:flux_ics", args=[token]))
    response = render(
        request,
        "interop/mon_compte.html",
        {
            "page_title": "Mon compte",
            "abonnements": AbonnementCalendrier.objects.filter(user=request.user).order_by("-cree_le")[:10],
            "peut_s_abonner": True,
            "nouvelle_url": url,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoquer_abonnement(request, pk):
    abonnement = get_object_or_404(AbonnementCalendrier.objects.filter(user=request.user), pk=pk)
    services.revoquer_abonnement(abonnement=abonnement)
    messages.success(request, "Adresse d'abonnement révoquée : les agendas abonnés ne la liront plus.")
    return redirect("interop:mon_compte")


def flux_ics(request, token):
    """Public (the calendar app has no session): the secret in the URL is the credential."""
    if not appel_calendrier_autorise(request):
        return HttpResponse("Trop de requêtes.", status=429, content_type="text/plain; charset=utf-8")
    abonnement = services.abonnement_pour(token)
    if abonnement is None:
        raise Http404("Abonnement inconnu ou révoqué.")
    response = HttpResponse(calendars.flux_mediateur(abonnement.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mds-connectee.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


def appel_calendrier_autorise(request) -> bool:

    key = f"interop:ics:rl:{client_ip(request)}"
    if cache.add(key, 1, timeout=600):
        return True
    try:
        return cache.incr(key) <= 120
    except ValueError:
        return True


# --- External agendas (directors) ----------------------------------------------------------------


@login_required
@require("interop.agendas_externes")
@mds_required
def agendas_externes(request):
    mediateurs = User.objects.filter(memberships__mds=request.mds, is_active=True).order_by("last_name", "first_name")
    form = forms.AgendaExterneForm(request.POST or None, request.FILES or None, mediateurs=mediateurs)
    if request.method == "POST" and form.is_valid():
        fichier = form.cleaned_data.get("fichier")
        try:
            services.enregistrer_agenda_externe(
                mds=request.mds,
                mediateur=form.cleaned_data["mediateur"],
                url=form.cleaned_data.get("url") or "",
                contenu=fichier.read().decode("utf-8", errors="replace") if fichier else "",
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Agenda enregistré : ses créneaux occupés seront importés dans un instant.")
            return redirect("interop:agendas_externes")
    agendas = AgendaExterne.objects.for_request(request).select_related("mediateur")
    return render(
        request,
        "interop/agendas_externes.html",
        {"page_title": "Agendas externes", "agendas": agendas, "form": form},
    )


@login_required
@require("interop.agendas_externes")
@require_POST
def synchroniser_agenda(request, pk):
    from .tasks import synchroniser_agenda as task

    agenda = get_object_or_404(AgendaExterne.objects.for_request(request), pk=pk)
    task.delay(agenda.pk)
    messages.success(request, "Synchronisation demandée.")
    return redirect("interop:agendas_externes")


@login_required
@require("interop.agendas_externes")
@require_POST
def supprimer_agenda(request, pk):
    agenda = get_object_or_404(AgendaExterne.objects.for_request(request), pk=pk)
    services.supprimer_agenda_externe(agenda=agenda)
    messages.success(request, "Agenda externe retiré : ses créneaux occupés ne bloquent plus les rendez-vous.")
    return redirect("interop:agendas_externes")
