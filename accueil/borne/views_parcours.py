"""The three kiosk flows built on the reception services: book a slot, check in, take a ticket;
and the public cancellation page of the reminder link."""

import contextlib
import secrets
import time
from datetime import date, datetime

import segno
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accueil.enums import StatutRendezVous
from accueil.models import Passage, RendezVous
from core.dates import PARIS
from core.input_guard import is_id
from core.outage import CACHE_DOWN, cache_unavailable

from . import ratelimit, selectors, services, tokens
from .codes import format_code
from .decorators import LANGUES, kiosk_view
from .forms import CodeForm, PrenomForm, TelephoneForm
from .views import _kiosk, _too_many

SESSION_RDV = "borne_rdv"
SESSION_FAIT = "borne_fait"

PICTOS_MOTIFS = [
    ("mail", "enveloppe"),
    ("courriel", "enveloppe"),
    ("scan", "scanner"),
    ("imprim", "imprimer"),
    ("téléphone", "telephone"),
    ("smartphone", "telephone"),
    ("ordinateur", "ordinateur"),
    ("compte", "ordinateur"),
    ("ligne", "ordinateur"),
    ("atelier", "clavier"),
]


def picto_motif(motif) -> str:
    if motif is None:
        return "autre"
    libelle = motif.libelle.lower()
    return next((picto for word, picto in PICTOS_MOTIFS if word in libelle), "document")


def _jeton() -> str:
    return secrets.token_urlsafe(12)


def une_seule_fois(request, action):
    """Run ``action()`` once per submitted form (hidden ``jeton``): a double tap or a resent form
    gets the result of the first run instead of doing it again. ``action`` returns a dict (the
    confirmation to show) or a response (a refusal, which may be retried)."""
    jeton = (request.POST.get("jeton") or "")[:40]
    key = f"borne:envoi:{request.borne.pk}:{jeton}"
    try:
        first = not jeton or cache.add(key, "en_cours", 300)
    except CACHE_DOWN:  # Redis down: no double-tap guard (the booking's row locks still hold)
        cache_unavailable("garde double envoi")
        return action()
    if first:
        try:
            result = action()
        except Exception:
            with contextlib.suppress(*CACHE_DOWN):
                cache.delete(key)
            raise
        with contextlib.suppress(*CACHE_DOWN):
            if isinstance(result, dict):
                cache.set(key, result, 300)
            else:
                cache.delete(key)
        return result
    for _attempt in range(50):
        value = cache.get(key)
        if isinstance(value, dict):
            return value
        if value is None:
            break
        time.sleep(0.1)
    return redirect("borne:accueil")


def deja_fait(request):
    """The result of this form's first submission (double tap), waiting a little if it is still
    running; None when the form was never submitted before."""
    jeton = (request.POST.get("jeton") or "")[:40]
    if not jeton:
        return None
    key = f"borne:envoi:{request.borne.pk}:{jeton}"
    for _attempt in range(50):
        try:
            value = cache.get(key)
        except CACHE_DOWN:
            cache_unavailable("garde double envoi")
            return None
        if value is None or isinstance(value, dict):
            return value
        time.sleep(0.1)
    return None


def _vers_page_finale(request, result):
    if isinstance(result, dict):
        request.session[SESSION_FAIT] = result
        return redirect(result["url"])
    return result


def _parcours_deja_fait(request, kind):
    """The result to confirm, shown once: reading it removes it from the session, so reloading the
    page, Back or the history after « Terminer » land on the home screen."""
    fait = request.session.get(SESSION_FAIT) or {}
    if fait.get("type") != kind:
        return None
    del request.session[SESSION_FAIT]
    return fait


def _qr(text):
    return segno.make(text, error="m").svg_data_uri(scale=6, border=2, dark="#000", light="#fff")


# --- Prendre un rendez-vous (5 steps + confirmation) --------------------------------------------


def _state(request):
    return request.session.get(SESSION_RDV) or {}


def _save_state(request, state):
    request.session[SESSION_RDV] = state


def _motif(request, state):
    return selectors.motifs_borne(request.borne.mds).filter(pk=state.get("motif")).first()


def _etape(n, total=6):
    """Booking: 1 motif, 2 day, 3 time, 4 first name, 5 reminder, (6 phone,) then the confirmation
    as the last step — 6 steps without SMS, 7 with."""
    return {"etape": n, "etapes": total}


def _tuiles_motifs(request, motifs):
    tiles = []
    for m in motifs:
        label, lang = m.libelle_traduit(request.LANGUAGE_CODE)
        tiles.append({"value": m.pk, "label": label, "lang": lang, "picto": picto_motif(m)})
    return tiles


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv(request):
    motifs = list(selectors.motifs_borne(request.borne.mds))
    if request.method == "POST":
        chosen = next((m for m in motifs if str(m.pk) == request.POST.get("motif")), None)
        if chosen is not None:
            _save_state(request, {"motif": chosen.pk})
            return redirect("borne:rdv_jour")
    tiles = _tuiles_motifs(request, motifs)
    return _kiosk(
        request,
        "borne/rdv_motif.html",
        {"page_title": _("Prendre un rendez-vous"), "tiles": tiles, **_etape(1)},
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv_jour(request):
    state = _state(request)
    motif = _motif(request, state)
    if motif is None:
        return redirect("borne:rdv")
    jours = selectors.jours_libres(mds=request.borne.mds, motif=motif)
    if request.method == "POST":
        chosen = next((d for d in jours if d.isoformat() == request.POST.get("jour")), None)
        if chosen is not None:
            state.update(jour=chosen.isoformat(), pris=False)
            _save_state(request, state)
            return redirect("borne:rdv_heure")
    return _kiosk(
        request,
        "borne/rdv_jour.html",
        {
            "page_title": _("Quel jour ?"),
            "jours": jours,
            "today": timezone.localdate(),
            "retour_url": reverse("borne:rdv"),
            **_etape(2),
        },
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv_heure(request):
    if request.method == "POST" and (fait := deja_fait(request)):
        return _vers_page_finale(request, fait)  # second tap on a form already sent
    state = _state(request)
    motif = _motif(request, state)
    if motif is None or not state.get("jour"):
        return redirect("borne:rdv")
    mds = request.borne.mds
    if state.get("pris"):
        # The chosen time has just been taken: offer the next free slots (any day).
        slots = selectors.prochains_creneaux(mds=mds, motif=motif, apres=datetime.fromisoformat(state["pris"]))
    else:
        slots = selectors.heures_libres(mds=mds, motif=motif, jour=date.fromisoformat(state["jour"]))
    if request.method == "POST":
        chosen = next((s for s in slots if s.debut.isoformat() == request.POST.get("debut")), None)
        if chosen is not None:
            state["debut"] = chosen.debut.isoformat()
            _save_state(request, state)
            if state.get("prenom") and state.get("rappel_choisi"):
                return _reserver(request)  # name and reminder already given before the slot was taken
            return redirect("borne:rdv_prenom")
    return _kiosk(
        request,
        "borne/rdv_heure.html",
        {
            "page_title": _("À quelle heure ?"),
            "slots": slots,
            "pris": bool(state.get("pris")),
            "jour": date.fromisoformat(state["jour"]),
            "jeton": _jeton(),
            "retour_url": reverse("borne:rdv_jour"),
            **_etape(3),
        },
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv_prenom(request):
    state = _state(request)
    if not state.get("debut"):
        return redirect("borne:rdv")
    form = PrenomForm(request.POST or None, initial={"prenom": state.get("prenom", "")})
    if request.method == "POST" and form.is_valid():
        state["prenom"] = form.cleaned_data["prenom"]
        _save_state(request, state)
        return redirect("borne:rdv_rappel")
    return _kiosk(
        request,
        "borne/rdv_prenom.html",
        {"page_title": _("Votre prénom"), "form": form, "retour_url": reverse("borne:rdv_heure"), **_etape(4)},
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv_rappel(request):
    if request.method == "POST" and (fait := deja_fait(request)):
        return _vers_page_finale(request, fait)  # second tap on a form already sent
    state = _state(request)
    if not state.get("prenom"):
        return redirect("borne:rdv")
    if request.method == "POST":
        if request.POST.get("rappel") == "sms":
            return redirect("borne:rdv_telephone")
        if request.POST.get("rappel") == "non":
            state.update(telephone="", rappel_choisi=True)
            _save_state(request, state)
            return _reserver(request)
    return _kiosk(
        request,
        "borne/rdv_rappel.html",
        {
            "page_title": _("Un SMS de rappel ?"),
            "jeton": _jeton(),
            "retour_url": reverse("borne:rdv_prenom"),
            **_etape(5),
        },
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def rdv_telephone(request):
    if request.method == "POST" and (fait := deja_fait(request)):
        return _vers_page_finale(request, fait)  # second tap on a form already sent
    state = _state(request)
    if not state.get("prenom"):
        return redirect("borne:rdv")
    form = TelephoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        state.update(telephone=form.cleaned_data["telephone"], rappel_choisi=True)
        _save_state(request, state)
        return _reserver(request)
    return _kiosk(
        request,
        "borne/rdv_telephone.html",
        {
            "page_title": _("Votre téléphone"),
            "form": form,
            "jeton": _jeton(),
            "retour_url": reverse("borne:rdv_rappel"),
            **_etape(6, 7),
        },
    )


def _reserver(request):
    def action():
        state = _state(request)
        motif = _motif(request, state)
        if motif is None or not state.get("debut"):
            return redirect("borne:rdv")
        if not ratelimit.allowed(request, "reservation"):
            return _too_many(request)
        debut = datetime.fromisoformat(state["debut"])
        try:
            rdv, code = services.reserver(
                borne=request.borne,
                motif=motif,
                debut=debut,
                prenom_ou_initiales=state["prenom"],
                telephone=state.get("telephone", ""),
                langue=request.LANGUAGE_CODE,
            )
        except services.BookingError:
            # Taken by someone else in the meantime (or no longer bookable): offer the next slots.
            state["pris"] = debut.isoformat()
            _save_state(request, state)
            return redirect("borne:rdv_heure")
        request.session.pop(SESSION_RDV, None)
        return {"type": "rdv", "pk": rdv.pk, "code": code, "url": reverse("borne:rdv_confirmation")}

    return _vers_page_finale(request, une_seule_fois(request, action))


@kiosk_view
@require_GET
def rdv_confirmation(request):
    fait = _parcours_deja_fait(request, "rdv")
    rdv = fait and RendezVous.objects.filter(pk=fait["pk"], mds=request.borne.mds).select_related("mds").first()
    if not rdv:
        return redirect("borne:accueil")
    return _kiosk(
        request,
        "borne/rdv_confirmation.html",
        {
            "page_title": _("Votre rendez-vous est noté"),
            "rdv": rdv,
            "code": format_code(fait["code"]),
            # The QR code opens, on the visitor's own phone, the signed page of the appointment
            # (see it, cancel it, add it to a calendar): same link and rules as the reminder SMS.
            "qr": _qr(tokens.lien_annulation(rdv)),
            "sms": bool(rdv.telephone),
            "fin": True,
            **_etape(7 if rdv.telephone else 6, 7 if rdv.telephone else 6),
        },
    )


# --- J'ai un rendez-vous (3 steps) --------------------------------------------------------------


@kiosk_view
@require_GET
def arrivee(request):
    return _kiosk(request, "borne/arrivee_choix.html", {"page_title": _("J'ai un rendez-vous"), **_etape(1, 3)})


def _check_in(request, rdv):
    def action():
        if not ratelimit.allowed(request, "arrivee"):
            return _too_many(request)
        try:
            passage = services.enregistrer_arrivee(rendez_vous=rdv)
        except services.BookingError:
            return _kiosk(request, "borne/arrivee_erreur.html", {"page_title": _("Demander à l'accueil")})
        return {"type": "arrivee", "pk": passage.pk, "url": reverse("borne:arrivee_ticket")}

    return _vers_page_finale(request, une_seule_fois(request, action))


@kiosk_view
@require_http_methods(["GET", "POST"])
def arrivee_code(request):
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not ratelimit.allowed(request, "recherche"):
            return _too_many(request)
        rdv = selectors.trouver_par_code(mds=request.borne.mds, code=form.cleaned_data["code"])
        if rdv is not None:
            return _check_in(request, rdv)
        fait = deja_fait(request)
        if fait:
            return _vers_page_finale(request, fait)
        form.add_error(
            "code", _("Nous ne trouvons pas ce code pour aujourd'hui. Vérifiez le code ou demandez à l'accueil.")
        )
    return _kiosk(
        request,
        "borne/arrivee_code.html",
        {
            "page_title": _("Votre code"),
            "form": form,
            "jeton": _jeton(),
            "retour_url": reverse("borne:arrivee"),
            **_etape(2, 3),
        },
    )


@kiosk_view
@require_http_methods(["GET", "POST"])
def arrivee_liste(request):
    mds = request.borne.mds
    if request.method == "POST":
        pk = request.POST.get("rdv", "")
        rdv = selectors.rdv_attendu(mds=mds, pk=int(pk)) if is_id(pk) else None
        if rdv is not None:
            return _check_in(request, rdv)
        fait = deja_fait(request)  # already checked in by a first tap?
        return _vers_page_finale(request, fait) if fait else redirect("borne:arrivee_liste")
    return _kiosk(
        request,
        "borne/arrivee_liste.html",
        {
            "page_title": _("Votre rendez-vous"),
            "attendus": selectors.attendus_par_heure(mds=mds),
            "jeton": _jeton(),
            "retour_url": reverse("borne:arrivee"),
            **_etape(2, 3),
        },
    )


@kiosk_view
@require_GET
def arrivee_ticket(request):
    fait = _parcours_deja_fait(request, "arrivee")
    passage = (
        fait and Passage.objects.filter(pk=fait["pk"], mds=request.borne.mds).select_related("rendez_vous").first()
    )
    if not passage:
        return redirect("borne:accueil")
    return _kiosk(
        request,
        "borne/ticket_numero.html",
        {
            "page_title": _("Votre numéro"),
            "passage": passage,
            "arrivee": True,
            "fin": True,
            **_etape(3, 3),
        },
    )


# --- Je n'ai pas de rendez-vous (2 steps) -------------------------------------------------------


@kiosk_view
@require_http_methods(["GET", "POST"])
def ticket(request):
    motifs = list(selectors.motifs_ticket(request.borne.mds))
    if request.method == "POST":
        value = request.POST.get("motif", "")
        motif = next((m for m in motifs if str(m.pk) == value), None)
        if motif is not None or value == "autre":

            def action():
                if not ratelimit.allowed(request, "ticket"):
                    return _too_many(request)
                try:
                    passage = services.prendre_ticket(borne=request.borne, motif=motif)
                except services.AccueilFerme:
                    return redirect("borne:accueil")
                return {"type": "ticket", "pk": passage.pk, "url": reverse("borne:ticket_numero")}

            return _vers_page_finale(request, une_seule_fois(request, action))
    if not selectors.ouverture(mds=request.borne.mds).ouvert:
        return redirect("borne:accueil")  # closed: the home screen says so and offers booking only
    tiles = _tuiles_motifs(request, motifs)
    tiles.append({"value": "autre", "label": _("Autre chose"), "picto": "autre"})
    return _kiosk(
        request,
        "borne/ticket_motif.html",
        {"page_title": _("Je n'ai pas de rendez-vous"), "tiles": tiles, "jeton": _jeton(), **_etape(1, 2)},
    )


@kiosk_view
@require_GET
def ticket_numero(request):
    fait = _parcours_deja_fait(request, "ticket")
    passage = fait and Passage.objects.filter(pk=fait["pk"], mds=request.borne.mds).first()
    if not passage:
        return redirect("borne:accueil")
    avant, minutes = selectors.attente_estimee(passage=passage)
    return _kiosk(
        request,
        "borne/ticket_numero.html",
        {
            "page_title": _("Votre numéro"),
            "passage": passage,
            "avant": avant,
            "minutes": minutes,
            "fin": True,
            **_etape(2, 2),
        },
    )


# --- Public cancellation page (link of the reminder SMS) ----------------------------------------


def _public(request, context, status=200, langue="fr"):
    """The phone page of the reminder link, in the language of the booking (FALC, big buttons)."""
    with translation.override(langue if langue in LANGUES else "fr"):
        response = render(request, "borne/annulation.html", context, status=status)
        response.headers["Content-Language"] = translation.get_language()
    add_never_cache_headers(response)
    # The signed link stays on this site (no-referrer would make the browser send « Origin: null »
    # with the form, which the CSRF check refuses).
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_http_methods(["GET", "POST"])
def annulation(request, jeton):
    if not ratelimit.hit("annulation_ip", f"ip-{ratelimit.client_ip(request)}"):
        return _public(request, {"etat": "limite", "page_title": gettext_lazy("Trop de demandes")}, status=429)
    rdv = tokens.rdv_depuis_jeton(jeton)
    if rdv is None:
        expire = tokens.rdv_signe(jeton)  # expired but genuine: we know which MDS to call
        return _public(
            request,
            {"etat": "invalide", "mds": expire.mds if expire else None, "page_title": gettext_lazy("Lien expiré")},
            status=404,
            langue=expire.langue if expire else "fr",
        )
    etat = "a_venir" if rdv.statut == StatutRendezVous.A_VENIR else "ferme"
    if etat == "a_venir" and rdv.debut <= timezone.now():
        etat = "ferme"
    action = request.POST.get("action")
    if request.method == "POST" and etat == "a_venir":
        if action == "annuler":
            etat = "confirmer_annulation"
        elif action == "annuler_confirme":
            services.annuler_par_lien(rendez_vous=rdv)
            etat = "annule"
        elif action == "je_viens":
            etat = "je_viens"
    elif rdv.statut == StatutRendezVous.EXCUSE:
        etat = "annule"
    return _public(
        request,
        {
            "rdv": rdv,
            "rdv_jeton": jeton,
            "mds": rdv.mds,
            "debut_local": rdv.debut.astimezone(PARIS),
            "etat": etat,
            "page_title": gettext_lazy("Votre rendez-vous"),
        },
        langue=rdv.langue,
    )


@require_GET
def annulation_ics(request, jeton):
    """« Ajouter à mon agenda » from the signed page: the appointment as an .ics file."""
    if not ratelimit.hit("annulation_ip", f"ip-{ratelimit.client_ip(request)}"):
        return HttpResponse(status=429)
    rdv = tokens.rdv_depuis_jeton(jeton)
    if rdv is None or rdv.statut != StatutRendezVous.A_VENIR:
        raise Http404
    response = HttpResponse(tokens.ics_visiteur(rdv), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rendez-vous.ics"'
    add_never_cache_headers(response)
    return response
