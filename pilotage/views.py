"""Dashboards (director: own MDS; coordinateur: Département; mediator: own activity) and reports.

Period and scope come from the query string (``pilotage.periode``); bad input falls back to the
default period with a French message. Staff never appear one by one for directors/coordinateurs:
every figure is a total of a place (MDS) or of the Département."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from core.models import MDS
from core.permissions import require

from . import charts, exports, services
from .periode import TYPES, Perimetre, periode_depuis


def _query(periode, perimetre, **extra) -> str:
    params = {**periode.params(), **perimetre.params(), **extra}
    return urlencode(params, doseq=True)


def _export(request, periode, perimetre):
    cle = request.GET.get("export", "")
    fmt = request.GET.get("format", "csv")
    tableau = services.tableau(cle, periode, perimetre)
    if tableau is None or fmt not in ("csv", "xlsx"):
        raise Http404("Tableau inconnu.")
    contexte = f"{perimetre.libelle} — {periode.libelle}"
    filename = f"{cle}_{periode.type}_{periode.mois_param}"
    if fmt == "csv":
        response = HttpResponse(exports.csv_tableau(tableau, contexte), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    else:
        response = HttpResponse(exports.xlsx_tableaux([tableau], contexte), content_type=exports.XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _dashboard(request, perimetre, *, titre, url_name, erreurs=(), choix_mds=None):
    periode, erreur = periode_depuis(request.GET)
    erreurs = [*erreurs, *([erreur] if erreur else [])]
    if request.GET.get("export"):
        return _export(request, periode, perimetre)
    tableaux = services.tableaux(periode, perimetre)
    blocs = [
        {
            "tableau": t,
            "svg": charts.graphique(t, f"graphique-{t.cle}"),
            "query": _query(periode, perimetre, export=t.cle),
        }
        for t in tableaux
    ]
    context = {
        "page_title": titre,
        "titre": titre,
        "periode": periode,
        "perimetre": perimetre,
        "erreurs": erreurs,
        "types_periode": TYPES.items(),
        "chiffres": services.chiffres_cles(periode, perimetre),
        "blocs": blocs,
        "choix_mds": choix_mds,
        "mds_choisies": {m.code for m in perimetre.mds} if not perimetre.departement else set(),
        "url_name": url_name,
    }
    return render(request, "pilotage/tableau_de_bord.html", context)


@login_required
@require("pilotage.mds")
def mds(request):
    """Director: their MDS. Asking for an MDS they do not belong to is a 404."""
    code = request.GET.get("mds")
    if code:
        wanted = request.user.mds_list().filter(code=code).first()
        if wanted is None:
            raise Http404("MDS inconnue.")
    else:
        wanted = request.mds
    if wanted is None:
        raise Http404("Aucune MDS rattachée.")
    return _dashboard(
        request, Perimetre(mds=(wanted,)), titre=f"Tableau de bord — {wanted.nom}", url_name="pilotage:mds"
    )


@login_required
@require("pilotage.departement")
def departement(request):
    """Coordinateur: the Département (one row per MDS and the total), or a selection of MDS."""
    all_mds = list(MDS.objects.filter(active=True).order_by("nom"))
    codes = request.GET.getlist("mds")
    chosen = tuple(m for m in all_mds if m.code in codes)
    erreurs = []
    if codes and len(chosen) != len(set(codes)):
        erreurs.append("Une des MDS demandées n'existe pas : affichage de toutes les MDS.")
        chosen = ()
    perimetre = Perimetre(mds=chosen) if chosen else Perimetre(mds=tuple(all_mds), departement=True)
    return _dashboard(
        request,
        perimetre,
        titre="Tableau de bord du Département",
        url_name="pilotage:departement",
        erreurs=erreurs,
        choix_mds=all_mds,
    )
