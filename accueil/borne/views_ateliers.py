"""« M'inscrire à un atelier » on the kiosk (3 steps): choose one of the next séances of this MDS
with a free place, give a first name (or initials), see the confirmation once.

The ateliers app is a peer of accueil: the kiosk reaches it through ``core.ports.ateliers_borne``
(registration by ``ateliers.services.inscrire``, under the séance's row lock, never on the waitlist)."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core import ports

from . import ratelimit
from .decorators import kiosk_view
from .forms import PrenomForm
from .views import _kiosk, _too_many
from .views_parcours import _jeton, _parcours_deja_fait, _vers_page_finale, deja_fait, une_seule_fois

SESSION_ATELIER = "borne_atelier"


def _etape(n):
    return {"etape": n, "etapes": 3}


def _state(request):
    return request.session.get(SESSION_ATELIER) or {}


def _offert():
    return ports.ateliers_borne()


@kiosk_view
@require_http_methods(["GET", "POST"])
def ateliers(request):
    port = _offert()
    if port is None:
        return redirect("borne:accueil")
    seances = port.seances_ouvertes(mds=request.borne.mds)
    if request.method == "POST":
        chosen = next((s for s in seances if str(s.pk) == request.POST.get("seance")), None)
        if chosen is not None:
            request.session[SESSION_ATELIER] = {"seance": chosen.pk}
            return redirect("borne:ateliers_prenom")
    state = _state(request)
    complet = state.pop("complet", False)
    request.session[SESSION_ATELIER] = state
    return _kiosk(
        request,
        "borne/ateliers.html",
        {"page_title": _("M'inscrire à un atelier"), "seances": seances, "complet": complet, **_etape(1)},
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def ateliers_prenom(request):
    if request.method == "POST" and (fait := deja_fait(request)):
        return _vers_page_finale(request, fait)  # second tap on a form already sent
    port = _offert()
    state = _state(request)
    seance = port and state.get("seance") and port.seance(mds=request.borne.mds, pk=state["seance"])
    if not seance:
        return redirect("borne:ateliers")
    form = PrenomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return _vers_page_finale(request, une_seule_fois(request, lambda: _inscrire(request, port, seance, form)))
    return _kiosk(
        request,
        "borne/ateliers_prenom.html",
        {
            "page_title": _("Votre prénom"),
            "form": form,
            "seance": seance,
            "jeton": _jeton(),
            "retour_url": reverse("borne:ateliers"),
            **_etape(2),
        },
    )


def _inscrire(request, port, seance, form):
    if not ratelimit.allowed(request, "atelier"):
        return _too_many(request)
    try:
        port.inscrire(mds=request.borne.mds, seance_id=seance.pk, prenom_ou_initiales=form.cleaned_data["prenom"])
    except (ports.AtelierComplet, ports.AtelierIndisponible):
        # The last place went in the meantime: back to the list, which says so and offers the others.
        request.session[SESSION_ATELIER] = {"complet": True}
        return redirect("borne:ateliers")
    request.session.pop(SESSION_ATELIER, None)
    return {"type": "atelier", "pk": seance.pk, "url": reverse("borne:ateliers_confirmation")}


@kiosk_view
@require_GET
def ateliers_confirmation(request):
    fait = _parcours_deja_fait(request, "atelier")
    port = _offert()
    seance = fait and port and port.seance(mds=request.borne.mds, pk=fait["pk"])
    if not seance:
        return redirect("borne:accueil")
    return _kiosk(
        request,
        "borne/ateliers_confirmation.html",
        {"page_title": _("Votre inscription est notée"), "seance": seance, "fin": True, **_etape(3)},
    )
