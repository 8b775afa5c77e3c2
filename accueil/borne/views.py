"""Kiosk screens (device-authenticated, FALC, fr/en/ar) and the director's device screens."""

from datetime import timedelta

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import ports
from core.pagination import paginate
from core.permissions import require
from core.scoping import get_scoped_or_404, mds_required, scoped

from . import credentials, ratelimit, selectors, services
from .codes import format_code
from .decorators import LANGUES, SESSION_LANGUE, kiosk_view, public_kiosk_view
from .enums import AvisTag, Ressenti
from .forms import AppairageForm, BorneForm, RessentiForm, TagsForm
from .models import Avis, Borne, DemandeAide

SESSION_AVIS = "borne_avis"
SESSION_CODE_CLAIR = "borne_code_clair"
SESSION_AIDE = "borne_aide"

PICTOS_RESSENTI = {Ressenti.CONTENT: "content", Ressenti.MOYEN: "moyen", Ressenti.PAS_CONTENT: "pas-content"}
PICTOS_TAGS = {
    AvisTag.ACCUEIL: "accueil",
    AvisTag.ATTENTE: "horloge",
    AvisTag.AIDE: "aide",
    AvisTag.EXPLICATIONS: "explications",
    AvisTag.LIEU: "salle",
}


def _kiosk(request, template, context=None, status=200):
    context = {"borne": request.borne, "mds": request.borne.mds, **(context or {})}
    match = getattr(request, "resolver_match", None)
    context.setdefault("ecran", match.url_name if match else "")
    context.setdefault("retour_url", reverse("borne:accueil"))
    context.setdefault("borne_inactivite", getattr(settings, "BORNE_INACTIVITE", (60, 90)))
    if context.get("etapes"):
        context["etapes_range"] = range(1, context["etapes"] + 1)
    return render(request, template, context, status=status)


def _too_many(request):
    return _kiosk(request, "borne/trop_de_demandes.html", {"page_title": _("Trop de demandes")}, status=429)


# --- Home, language, reset, help ------------------------------------------------------------------


def _ateliers_ouverts(mds) -> bool:
    """The « atelier » tile shows only when a séance has a free place (and ateliers are offered)."""
    port = ports.ateliers_borne()
    return bool(port and port.seances_ouvertes(mds=mds, limit=1))


def _tiles(ouvert=True, ateliers=False):
    tiles = [
        ("borne:rdv", "prendre-rdv", _("Prendre un rendez-vous")),
        ("borne:arrivee", "arrivee", _("J'ai un rendez-vous")),
        ("borne:ticket", "ticket", _("Je n'ai pas de rendez-vous")),
        ("borne:ateliers", "atelier", _("M'inscrire à un atelier")),
        ("borne:avis", "avis", _("Donner mon avis")),
    ]
    if not ateliers:
        tiles = [t for t in tiles if t[0] != "borne:ateliers"]
    if not ouvert:  # closed: booking only (an appointment, an atelier; no ticket, no waiting estimate)
        tiles = [t for t in tiles if t[0] in ("borne:rdv", "borne:ateliers")]
    result = []
    for name, picto, label in tiles:
        try:
            result.append({"url": reverse(name), "picto": picto, "label": label})
        except NoReverseMatch:
            continue
    return result


@kiosk_view
@require_GET
def accueil(request):
    langues = [
        {"code": "fr", "nom": "Français", "picto": "langue-fr"},
        {"code": "en", "nom": "English", "picto": "langue-en"},
        {"code": "ar", "nom": "العربية", "picto": "langue-ar"},
    ]
    ouverture = selectors.ouverture(mds=request.borne.mds)
    request.session.pop("borne_ticket_sms", None)  # the previous visitor's ticket: no SMS for it from here
    return _kiosk(
        request,
        "borne/accueil.html",
        {
            "page_title": _("Bienvenue"),
            "tiles": _tiles(ouverture.ouvert, ateliers=_ateliers_ouverts(request.borne.mds)),
            "ouverture": ouverture,
            "langues": langues,
            "est_accueil": True,
        },
    )


@kiosk_view
@require_POST
def langue(request):
    code = request.POST.get("langue")
    if code in LANGUES:
        request.session[SESSION_LANGUE] = code
    return redirect("borne:accueil")


@kiosk_view
@require_POST
def recommencer(request):
    """End of a flow (« Terminer », « Retour à l'accueil », inactivity): wipe everything of this
    visitor on the kiosk (session: answers, confirmation, language, help request) and show the
    French home screen. The confirmation pages then redirect to the home screen."""
    services.annuler_demandes_aide(borne=request.borne)
    request.session.flush()
    return redirect("borne:accueil")


@kiosk_view
@require_GET
def jeton(request):
    """A fresh CSRF token for a page left open for hours (static/js/borne.js refreshes the forms)."""
    return JsonResponse({"csrf": get_token(request)})


@kiosk_view
@require_http_methods(["GET", "POST"])
def aide(request):
    """« Demander à l'accueil »: POST creates the help request (kiosk, screen, time) shown on the
    desk; GET shows its state (« On a prévenu l'accueil » → « Quelqu'un arrive »)."""
    if request.method == "POST":
        ecran = (request.POST.get("depuis") or "")[:40]
        if ratelimit.allowed(request, "aide"):
            demande = services.demander_aide(borne=request.borne, ecran=ecran)
            request.session[SESSION_AIDE] = demande.pk
        else:  # too many requests from this kiosk: the screen still says where to go
            request.session.pop(SESSION_AIDE, None)
        return redirect("borne:aide")
    demande = selectors.demande_aide_de_la_borne(borne=request.borne, pk=request.session.get(SESSION_AIDE))
    context = {"page_title": _("Demander à l'accueil"), "est_aide": True, "demande": demande}
    if request.htmx and request.GET.get("partial") == "1":
        if demande is not None and demande.ouverte and request.GET.get("etat") == "attente":
            return HttpResponse(status=204)  # nothing new: htmx keeps the screen (and the focus) as it is
        return _kiosk(request, "borne/_aide_etat.html", context)
    return _kiosk(request, "borne/aide.html", context)


# --- Donner mon avis ------------------------------------------------------------------------------


@kiosk_view
@require_http_methods(["GET", "POST"])
def avis_ressenti(request):
    form = RessentiForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_AVIS] = {"ressenti": form.cleaned_data["ressenti"]}
        return redirect("borne:avis_tags")
    choix = [
        {"value": value, "label": label, "picto": PICTOS_RESSENTI[Ressenti(value)]} for value, label in Ressenti.choices
    ]
    return _kiosk(
        request,
        "borne/avis_ressenti.html",
        {"page_title": _("Donner mon avis"), "choix": choix, "etape": 1, "etapes": 3},
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def avis_tags(request):
    state = request.session.get(SESSION_AVIS)
    if not state:
        return redirect("borne:avis")
    form = TagsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allowed(request, "avis"):
            return _too_many(request)
        tags = form.cleaned_data["tags"] if "envoyer" in request.POST else []
        services.enregistrer_avis(mds=request.borne.mds, ressenti=state["ressenti"], tags=tags)
        del request.session[SESSION_AVIS]  # a second tap finds nothing to store again
        return redirect("borne:avis_merci")
    choix = [{"value": value, "label": label, "picto": PICTOS_TAGS[AvisTag(value)]} for value, label in AvisTag.choices]
    return _kiosk(
        request,
        "borne/avis_tags.html",
        {
            "page_title": _("Donner mon avis"),
            "choix": choix,
            "etape": 2,
            "etapes": 3,
            "retour_url": reverse("borne:avis"),
        },
    )


@kiosk_view
@require_GET
def avis_merci(request):
    return _kiosk(request, "borne/avis_merci.html", {"page_title": _("Merci"), "etape": 3, "etapes": 3})


# --- Pairing --------------------------------------------------------------------------------------


@public_kiosk_view
@require_http_methods(["GET", "POST"])
def appairer(request):
    """Opened on the tablet with the one-time code: GET shows a confirmation (link previews must not
    consume the code), POST pairs the tablet and stores the device cookie."""
    form = AppairageForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        if not ratelimit.hit("appairage_ip", f"ip-{ratelimit.client_ip(request)}"):
            form.add_error(None, "Trop d'essais. Réessayez dans quelques minutes.")
        else:
            secret = credentials.new_secret()
            try:
                borne = services.appairer(code=form.cleaned_data["code"], secret=secret)
            except services.AppairageInvalide:
                form.add_error(
                    "code", "Ce code n'est pas valable ou a expiré. Demandez un nouveau code à la direction."
                )
            else:
                logout(request)  # a tablet is never a staff member
                response = redirect("borne:accueil")
                credentials.set_cookie(response, borne, secret)
                return response
    return render(request, "borne/appairer.html", {"form": form, "page_title": "Activer la borne"})


# --- Director screens -----------------------------------------------------------------------------


@login_required
@require("accueil.bornes")
@require_http_methods(["GET", "POST"])
@mds_required
def gestion(request):
    form = BorneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        borne, code = services.creer_borne(mds=request.mds, nom=form.cleaned_data["nom"], par=request.user)
        request.session[SESSION_CODE_CLAIR] = {"pk": borne.pk, "code": code}
        messages.success(request, f"Borne « {borne.nom} » créée. Activez-la sur la tablette avec le code ci-dessous.")
        return redirect("borne:gestion_detail", pk=borne.pk)
    bornes = scoped(Borne, request).order_by("revoquee_le", "nom")
    page = paginate(request, bornes)
    depuis = timezone.localdate() - timedelta(days=29)
    avis = dict(
        scoped(Avis, request)
        .filter(jour__gte=depuis)
        .values_list("ressenti")
        .annotate(n=Count("id"))
        .values_list("ressenti", "n")
    )
    resume = [{"label": label, "n": avis.get(value, 0)} for value, label in Ressenti.choices]
    return render(
        request,
        "borne/gestion.html",
        {"page": page, "form": form, "resume_avis": resume, "page_title": "Bornes de la salle d'attente"},
    )


def _pairing_link(request, code):
    return request.build_absolute_uri(reverse("borne:appairer") + f"?code={code}")


@login_required
@require("accueil.bornes")
@require_GET
def gestion_detail(request, pk):
    borne = get_scoped_or_404(Borne, request, pk=pk)
    clair = request.session.pop(SESSION_CODE_CLAIR, None)
    context = {"borne": borne, "page_title": f"Borne {borne.nom}"}
    if clair and clair.get("pk") == borne.pk and borne.active:
        lien = _pairing_link(request, clair["code"])
        context.update(
            code=format_code(clair["code"]),
            lien=lien,
            qr=segno.make(lien, error="m").svg_data_uri(scale=5, border=2),
        )
    return render(request, "borne/gestion_detail.html", context)


@login_required
@require("accueil.bornes")
@require_POST
def gestion_code(request, pk):
    borne = get_scoped_or_404(Borne, request, pk=pk)
    if not borne.active:
        messages.error(request, "Cette borne est révoquée : créez-en une nouvelle.")
        return redirect("borne:gestion_detail", pk=borne.pk)
    code = services.nouveau_code_appairage(borne=borne)
    request.session[SESSION_CODE_CLAIR] = {"pk": borne.pk, "code": code}
    messages.success(request, "Nouveau code d'appairage créé (valable 24 heures, une seule fois).")
    return redirect("borne:gestion_detail", pk=borne.pk)


@login_required
@require("accueil.bornes")
@require_http_methods(["GET", "POST"])
def gestion_revoquer(request, pk):
    borne = get_scoped_or_404(Borne, request, pk=pk)
    if request.method == "POST":
        services.revoquer_borne(borne=borne)
        messages.success(request, f"La borne « {borne.nom} » est révoquée. Elle ne fonctionne plus.")
        return redirect("borne:gestion")
    return render(request, "borne/gestion_revoquer.html", {"borne": borne, "page_title": "Révoquer une borne"})


# --- Help requests on the desk ----------------------------------------------------------------


@login_required
@require("accueil.queue")
@require_GET
def demandes_aide(request):
    """The open help requests of the current MDS (fragment polled by the queue page and home)."""
    response = render(
        request,
        "borne/_demandes_aide_liste.html",
        {"demandes": selectors.demandes_aide_ouvertes(mds=request.mds), "next": request.GET.get("next", "")},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require("accueil.queue")
@require_POST
def demande_aide_prendre(request, pk):
    """« J'y vais »: the kiosk then shows « Quelqu'un arrive »."""
    demande = get_scoped_or_404(DemandeAide, request, pk=pk)
    demande = services.prendre_en_charge(demande=demande, par=request.user)
    if request.htmx:
        return render(
            request,
            "borne/_demandes_aide_liste.html",
            {"demandes": selectors.demandes_aide_ouvertes(mds=request.mds), "next": request.POST.get("next", "")},
        )
    messages.success(request, f"Vous allez voir la personne à la borne « {demande.borne.nom} ».")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("accueil:file")
    return HttpResponseRedirect(target)  # a path, never a URL name (redirect() would try to reverse it)
