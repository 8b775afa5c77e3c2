"""Staff screens of the interop app: Coop exports, API clients (coordinateurs), calendar
subscription on « Mon compte », external busy-time calendars (directors). Thin: parse, check,
call a service or selector, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse

from core.models import MDS
from core.permissions import can

from . import coop_mapping, exports

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
