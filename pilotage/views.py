"""Dashboards (director: own MDS; coordinateur: Département; mediator: own activity) and reports.

Period and scope come from the query string (``pilotage.periode``); bad input falls back to the
default period with a French message. Staff never appear one by one for directors/coordinateurs:
every figure is a total of a place (MDS) or of the Département."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.input_guard import is_id
from core.models import MDS
from core.pagination import paginate
from core.permissions import require

from . import charts, exports, selectors, tasks
from .fraicheur import fraicheur, moment_fr
from .periode import TYPES, Perimetre, comparaison, periode_depuis
from .tableaux import SYNTHESE_PAR_MDS, synthese_par_mds


def _query(periode, perimetre, **extra) -> str:
    params = {**periode.params(), **perimetre.params(), **extra}
    return urlencode(params, doseq=True)


def _export(request, periode, perimetre):
    cle = request.GET.get("export", "")
    fmt = request.GET.get("format", "csv")
    if cle == "par_mds" and perimetre.plusieurs:
        tableau = synthese_par_mds(selectors.tableaux(periode, perimetre, cles={c for c, _ in SYNTHESE_PAR_MDS}))
    else:
        tableau = selectors.tableau(cle, periode, perimetre)
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
    periode, erreur = periode_depuis(request.GET, premier=selectors.premiere_activite())
    erreurs = [*erreurs, *([erreur] if erreur else [])]
    if request.GET.get("export"):
        return _export(request, periode, perimetre)
    chiffres, tableaux = selectors.tableau_de_bord(periode, perimetre)
    synthese = synthese_par_mds(tableaux) if perimetre.plusieurs else None
    tableaux = [synthese, *tableaux] if synthese else tableaux
    blocs = [
        {
            "tableau": t,
            "svg": charts.graphique(t, f"graphique-{t.cle}"),
            "query": _query(periode, perimetre, export=t.cle),
            "lien_publie": _query(t.suggestion, perimetre) if t.suggestion else "",
        }
        for t in tableaux
    ]
    sections = selectors.sections(blocs, par_mds_d_abord=perimetre.plusieurs)
    calcule_le, sources = fraicheur(perimetre)
    context = {
        "calcule_le_texte": moment_fr(calcule_le),
        "sources": sources,
        "page_title": titre,
        "titre": titre,
        "periode": periode,
        "perimetre": perimetre,
        "erreurs": erreurs,
        "types_periode": TYPES.items(),
        "chiffres": chiffres,
        "blocs": blocs,
        "sections": sections,
        "comparaison": comparaison(periode)[2],
        "mois_choix": _mois_choix(),
        "choix_mds": choix_mds,
        "mds_choisies": {m.code for m in perimetre.mds} if not perimetre.departement else set(),
        "url_name": url_name,
        "coop_csv_url": _coop_url(periode, perimetre, "csv"),
        "coop_xlsx_url": _coop_url(periode, perimetre, "xlsx"),
    }
    return render(request, "pilotage/tableau_de_bord.html", context)


def _mois_choix(count: int = 36):
    """The month selector, in French (« décembre 2026 »), most recent first."""
    from dateutil.relativedelta import relativedelta

    from .periode import libelle_mois, mois_courant

    first = mois_courant()
    return [(f"{m:%Y-%m}", libelle_mois(m)) for m in (first - relativedelta(months=k) for k in range(count))]


def _coop_url(periode, perimetre, fmt: str) -> str:
    """The Coop export lives in the interop app (docs/interop.md): same period and scope."""
    params = {"du": periode.debut.isoformat(), "au": (periode.fin - timedelta(days=1)).isoformat()}
    if not perimetre.departement and perimetre.mediateur is None:
        params["mds"] = [m.code for m in perimetre.mds]
    return f"{reverse(f'interop:export_coop_{fmt}')}?{urlencode(params, doseq=True)}"


def _coop(request, perimetre):
    """Old links (``?coop=1``) keep working: redirect to the interop export."""
    periode, _ = periode_depuis(request.GET)
    return redirect(_coop_url(periode, perimetre, "xlsx" if request.GET.get("coop") == "xlsx" else "csv"))


def _perimetre_mds(request):
    """The director's MDS; another MDS (unknown or not theirs) gives a French message and their own
    MDS — nothing of the other one is shown."""
    code = request.GET.get("mds")
    erreurs = []
    wanted = request.mds
    if code:
        chosen = request.user.mds_list().filter(code=code).first()
        if chosen is None:
            erreurs.append("Cette MDS n'est pas dans votre périmètre : affichage de votre MDS.")
        else:
            wanted = chosen
    if wanted is None:
        raise Http404("Aucune MDS rattachée.")
    return Perimetre(mds=(wanted,)), erreurs


def _perimetre_departement(request):
    all_mds = list(MDS.objects.filter(active=True).order_by("nom"))
    codes = request.GET.getlist("mds")
    chosen = tuple(m for m in all_mds if m.code in codes)
    erreurs = []
    if codes and len(chosen) != len(set(codes)):
        erreurs.append("Une des MDS demandées n'existe pas : affichage de toutes les MDS.")
        chosen = ()
    perimetre = Perimetre(mds=chosen) if chosen else Perimetre(mds=tuple(all_mds), departement=True)
    return perimetre, erreurs, all_mds


@login_required
@require("pilotage.mds")
def mds(request):
    """Director: their MDS. Asking for an MDS they do not belong to is a 404."""
    perimetre, erreurs = _perimetre_mds(request)
    if request.GET.get("coop"):
        return _coop(request, perimetre)
    titre = f"Tableau de bord — {perimetre.mds[0].nom}"
    return _dashboard(request, perimetre, titre=titre, url_name="pilotage:mds", erreurs=erreurs)


@login_required
@require("pilotage.departement")
def departement(request):
    """Coordinateur: the Département (one row per MDS and the total), or a selection of MDS."""
    perimetre, erreurs, all_mds = _perimetre_departement(request)
    if request.GET.get("coop"):
        return _coop(request, perimetre)
    return _dashboard(
        request,
        perimetre,
        titre="Tableau de bord du Département",
        url_name="pilotage:departement",
        erreurs=erreurs,
        choix_mds=all_mds,
    )


@login_required
@require("pilotage.own_activity")
def mon_activite(request):
    """A mediator's own activity (their acts only, in every MDS they work in); nobody else's."""
    perimetre = Perimetre(mds=tuple(request.user.mds_list().order_by("nom")), mediateur=request.user)
    if request.GET.get("coop"):
        return _coop(request, perimetre)
    return _dashboard(request, perimetre, titre="Mon activité", url_name="pilotage:mon_activite")


# --- Rapports -------------------------------------------------------------------------------------


def _mois_possibles(count: int = 36):
    from dateutil.relativedelta import relativedelta

    from .periode import libelle_mois, mois_courant

    first = mois_courant()
    return [(f"{m:%Y-%m}", libelle_mois(m)) for m in (first - relativedelta(months=k) for k in range(1, count + 1))]


def _perimetres_possibles(user):
    """(value, label, mds or None) a user may produce: directors their MDS, coordinateurs all + Département."""
    if user.sees_all_mds:
        return [("departement", "Département (toutes les MDS)", None)] + [
            (m.code, m.nom, m) for m in MDS.objects.filter(active=True).order_by("nom")
        ]
    return [(m.code, m.nom, m) for m in user.mds_list().order_by("nom")]


@login_required
@require("pilotage.reports")
def rapports(request):

    from .models import Rapport
    from .periode import parse_mois

    qs = Rapport.objects.visibles_par(request.user).select_related("mds").prefetch_related("versions")
    mois = parse_mois(request.GET.get("mois"))
    erreur = None
    if request.GET.get("mois") and mois is None:
        erreur = "Mois invalide (AAAA-MM) : tous les rapports sont affichés."
    if mois:
        qs = qs.filter(mois=mois)
    page = paginate(request, qs.order_by("-mois", "mds__nom", "pk").distinct())
    context = {
        "page_title": "Rapports mensuels",
        "page": page,
        "query_string": urlencode({"mois": f"{mois:%Y-%m}"}) if mois else "",
        "mois_choisi": mois,
        "erreurs": [erreur] if erreur else [],
        "mois_possibles": _mois_possibles(),
        "perimetres": _perimetres_possibles(request.user),
    }
    return render(request, "pilotage/rapports.html", context)


@require_POST
@login_required
@require("pilotage.reports")
def rapport_demande(request):
    from django.contrib import messages
    from django.shortcuts import redirect

    from .models import Declencheur
    from .periode import libelle_mois, parse_mois

    allowed_months = {value for value, _ in _mois_possibles()}
    scopes = {value: mds for value, _, mds in _perimetres_possibles(request.user)}
    mois_value, scope_value = request.POST.get("mois", ""), request.POST.get("perimetre", "")
    if mois_value not in allowed_months or scope_value not in scopes:
        messages.error(request, "Choisissez un mois terminé et un périmètre dans les listes.")
        return redirect("pilotage:rapports")
    mois = parse_mois(mois_value)
    rapport = tasks.demander(mois=mois, mds=scopes[scope_value], declencheur=Declencheur.ECRAN, par=request.user)
    messages.success(
        request, f"Rapport de {libelle_mois(mois)} ({rapport.libelle_perimetre}) demandé : production en cours."
    )
    return redirect(f"{reverse('pilotage:rapports')}?mois={mois:%Y-%m}")


@login_required
@require("pilotage.reports")
def rapport_statut(request, pk):
    from django.shortcuts import get_object_or_404

    from .models import Rapport

    rapport = get_object_or_404(Rapport.objects.visibles_par(request.user).distinct(), pk=pk)
    return render(request, "pilotage/_rapport_statut.html", {"rapport": rapport})


@login_required
@require("pilotage.reports")
def rapport_fichier(request, pk, fmt):
    from django.http import FileResponse
    from django.shortcuts import get_object_or_404

    from .models import Rapport

    rapport = get_object_or_404(Rapport.objects.visibles_par(request.user).distinct(), pk=pk)
    if fmt not in ("pdf", "xlsx", "csv"):
        raise Http404
    source = rapport
    version = request.GET.get("version")
    if version:
        if not is_id(version):
            raise Http404
        source = get_object_or_404(rapport.versions, version=int(version))
    field = getattr(source, fmt)
    if not field:
        raise Http404("Fichier non produit.")
    scope = rapport.mds.code if rapport.mds_id else "departement"
    name = f"rapport_{scope}_{rapport.mois:%Y-%m}_v{source.version}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=True, filename=name)
