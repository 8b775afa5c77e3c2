"""Desk screens of the reception: queue, appointments, agenda, settings; and the public
waiting-room screen (token link, no login)."""

from datetime import time, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import closures
from core.dates import PARIS, parse_date_param
from core.input_guard import is_id
from core.permissions import can, require
from core.scoping import get_scoped_or_404, mds_required, scoped
from usagers import picker
from usagers.models import Usager

from . import selectors, services
from .calendar import _holidays_for_year, local_dt, public_holiday
from .enums import CanalReservation, StatutPassage, StatutRendezVous
from .forms import (
    AbsenceForm,
    AnnulerForm,
    ArriveeForm,
    CreneauForm,
    DeplacerForm,
    DisponibiliteForm,
    EcranForm,
    FermetureForm,
    MotifForm,
    PlageOuvertureForm,
    RendezVousForm,
    ReorienterForm,
    mediators_of,
)
from .ics import agenda_ics as build_ics
from .models import Absence, Disponibilite, EcranSalle, Fermeture, Motif, Passage, PlageOuverture, RendezVous

GUICHET_SESSION_KEY = "accueil_guichet"


def _parse_date(value, default=None):
    return parse_date_param(value) or default or timezone.localdate()


# -- queue ---------------------------------------------------------------------------------------


def _queue_context(request, form=None):
    today = timezone.localdate()
    queue = selectors.queue_of_day(mds=request.mds, day=today)
    now = timezone.now()
    for p in queue:
        p.attente_minutes = int((now - p.arrivee_le).total_seconds() // 60)
    return {
        "queue": queue,
        "recent": selectors.recent_passages(mds=request.mds, day=today, limit=10),
        "form": form or ArriveeForm(mds=request.mds),
        "guichet": request.session.get(GUICHET_SESSION_KEY, ""),
        "today": today,
        "now": now,
        "page_title": "File d'attente",
        "poll_seconds": 5,
    }


@login_required
@require("accueil.queue")
@mds_required
def file(request):
    context = _queue_context(request)
    if request.htmx and request.GET.get("partial") == "1":
        return render(request, "accueil/file.html#contenu", context)
    return render(request, "accueil/file.html", context)


@login_required
@require("accueil.queue")
@require_POST
@mds_required
def arrivee(request):
    visitors = scoped(Usager, request).not_anonymized()
    found = picker.searched(request, visitors)
    if found is not None:  # the no-JS « Chercher »: the same form again, with the records found
        form = ArriveeForm(initial=request.POST.dict(), mds=request.mds)
        chosen = request.POST.get("usager", "")
        current = visitors.filter(pk=chosen).first() if is_id(chosen) else None
        context = {**_queue_context(request, form=form), "picker": found, "usager_courant": current}
        return render(request, "accueil/file.html", context)
    form = ArriveeForm(request.POST, mds=request.mds)
    if form.is_valid():
        try:
            passage = services.register_arrival(
                mds=request.mds,
                motif=form.cleaned_data["motif"],
                usager=form.usager,
                prenom_ou_initiales=form.cleaned_data["prenom_ou_initiales"],
                priorites=form.cleaned_data["priorites"],
                source=form.cleaned_data["source"],
                user=request.user,
            )
        except services.QueueError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Arrivée enregistrée : ticket {passage.ticket}.")
            return redirect("accueil:file")
    return render(request, "accueil/file.html", _queue_context(request, form=form))


@login_required
@require("accueil.queue")
@require_POST
@mds_required
def appeler_suivant(request):
    guichet = (request.POST.get("guichet") or "").strip()[:20]
    try:
        passage = services.call_next(mds=request.mds, user=request.user, guichet=guichet)
    except services.QueueError as error:
        messages.error(request, error.message)
        return redirect("accueil:file")
    request.session[GUICHET_SESSION_KEY] = guichet
    if passage is None:
        messages.info(request, "Personne n'attend pour le moment.")
    else:
        messages.success(request, f"Ticket {passage.ticket} appelé.")
    return redirect("accueil:file")


def _mediation_start_url(passage):
    try:
        return reverse("mediation:commencer") + f"?passage={passage.pk}"
    except NoReverseMatch:
        return None


PASSAGE_ACTIONS = {"appeler", "prendre", "parti", "reorienter"}


@login_required
@require("accueil.queue")
@mds_required
def passage_action(request, pk, action):
    passage = get_scoped_or_404(Passage, request, pk=pk)
    if action not in PASSAGE_ACTIONS:
        raise Http404
    if request.method != "POST" or action in ("parti", "reorienter") and "confirme" not in request.POST:
        if action in ("appeler", "prendre"):
            return redirect("accueil:file")
        form = ReorienterForm() if action == "reorienter" else None
        return render(
            request,
            "accueil/passage_confirmer.html",
            {"passage": passage, "action": action, "form": form, "page_title": f"Ticket {passage.ticket}"},
        )
    try:
        if action == "appeler":
            guichet = request.session.get(GUICHET_SESSION_KEY, "")
            services.call_passage(passage=passage, user=request.user, guichet=guichet)
            messages.success(request, f"Ticket {passage.ticket} appelé.")
        elif action == "prendre":
            passage = services.take_in_charge(passage=passage, user=request.user)
            url = _mediation_start_url(passage)
            if url:
                return redirect(url)
            messages.success(request, f"Ticket {passage.ticket} pris en charge.")
        elif action == "parti":
            services.mark_left(passage=passage, user=request.user)
            messages.success(request, f"Ticket {passage.ticket} : parti sans être reçu.")
        else:
            form = ReorienterForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "accueil/passage_confirmer.html",
                    {"passage": passage, "action": action, "form": form, "page_title": f"Ticket {passage.ticket}"},
                )
            services.redirect(passage=passage, user=request.user, vers=form.cleaned_data["vers"])
            messages.success(request, f"Ticket {passage.ticket} réorienté.")
    except services.QueueError as error:
        messages.error(request, error.message)
    return redirect("accueil:file")


# -- agenda --------------------------------------------------------------------------------------


@login_required
@require("accueil.rdv")
@mds_required
def agenda(request):
    mds = request.mds
    vue = "semaine" if request.GET.get("vue") == "semaine" else "jour"
    day = _parse_date(request.GET.get("date"))
    mediators = list(mediators_of(mds))
    mediateur = None
    if request.GET.get("mediateur"):
        mediateur = next((m for m in mediators if str(m.pk) == request.GET["mediateur"]), None)
    if vue == "semaine":
        first = day - timedelta(days=day.weekday())
        days = [first + timedelta(days=i) for i in range(7)]
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        days = [day]
        previous, following = day - timedelta(days=1), day + timedelta(days=1)
    start = local_dt(days[0], time.min)
    end = local_dt(days[-1] + timedelta(days=1), time.min)
    rdvs = list(selectors.appointments_between(mds=mds, start=start, end=end, mediateur=mediateur))
    by_day = {d: [] for d in days}
    for rdv in rdvs:
        by_day.setdefault(rdv.debut.astimezone(PARIS).date(), []).append(rdv)
    columns = [{"day": d, "holiday": public_holiday(d), "rdvs": by_day.get(d, [])} for d in days]
    return render(
        request,
        "accueil/agenda.html",
        {
            "page_title": "Rendez-vous",
            "vue": vue,
            "day": day,
            "columns": columns,
            "mediators": mediators,
            "mediateur": mediateur,
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "can_book": can(request.user, "accueil.rdv"),
            "can_queue": can(request.user, "accueil.queue"),
            "total": len(rdvs),
        },
    )


def _default_channel(user):
    if can(user, "accueil.rdv_par_orientation"):
        return CanalReservation.ORIENTATION
    if can(user, "accueil.tenir_rdv"):
        return CanalReservation.MEDIATEUR
    return CanalReservation.ACCUEIL


def _week_slots(*, mds, motif, day, mediateur):
    slots = selectors.free_slots(
        mds=mds, motif=motif, start_date=day, end_date=day + timedelta(days=6), mediateur=mediateur
    )
    grouped = {}
    for slot in slots:
        grouped.setdefault(slot.debut.astimezone(PARIS).date(), []).append(slot)
    return [{"day": d, "slots": s} for d, s in grouped.items()]


@login_required
@require("accueil.rdv")
@mds_required
def rdv_nouveau(request):
    mds = request.mds
    source = request.POST if request.method == "POST" else request.GET
    creneau_form = CreneauForm(
        source if source.get("motif") else None,
        mds=mds,
        initial={"date": timezone.localdate()},
    )
    booking_form = current = found = None
    days = []
    motif = mediateur = None
    if creneau_form.is_bound and creneau_form.is_valid():
        motif = creneau_form.cleaned_data["motif"]
        mediateur = creneau_form.cleaned_data["mediateur"]
        day = creneau_form.cleaned_data["date"]
        initial = {
            "motif": motif.pk,
            "mediateur": mediateur.pk if mediateur else None,
            "canal": _default_channel(request.user),
        }
        visitors = Usager.objects.for_mds(mds).not_anonymized()
        usager_pk = request.POST.get("usager") if request.method == "POST" else request.GET.get("usager")
        if usager_pk and is_id(usager_pk):
            current = visitors.filter(pk=usager_pk).first()
            if current:
                initial["usager"] = current.pk
        found = picker.searched(request, visitors)
        if found is not None:  # the no-JS « Chercher »: the same form again, with the records found
            booking_form = RendezVousForm(initial={**initial, **request.POST.dict()}, mds=mds)
        elif request.method == "POST":
            booking_form = RendezVousForm(request.POST, mds=mds)
            if booking_form.is_valid():
                data = booking_form.cleaned_data
                try:
                    rdv = services.book_appointment(
                        mds=mds,
                        motif=data["motif"],
                        start=data["debut"],
                        usager=booking_form.usager,
                        mediateur=data["mediateur"],
                        channel=data["canal"],
                        reminder_channel=data["rappel"],
                        booked_by=request.user,
                        prenom_ou_initiales=data["prenom_ou_initiales"],
                        telephone=data["telephone"],
                    )
                except services.BookingError as error:
                    booking_form.add_error("debut", error.message)
                else:
                    messages.success(
                        request, f"Rendez-vous enregistré le {rdv.debut.astimezone(PARIS):%d/%m/%Y à %H:%M}."
                    )
                    return redirect("accueil:rdv_detail", pk=rdv.pk)
        else:
            booking_form = RendezVousForm(initial=initial, mds=mds)
        days = _week_slots(mds=mds, motif=motif, day=day, mediateur=mediateur)
    chosen = booking_form["debut"].value() if booking_form is not None else None
    return render(
        request,
        "accueil/rdv_nouveau.html",
        {
            "page_title": "Nouveau rendez-vous",
            "creneau_form": creneau_form,
            "form": booking_form,
            "days": days,
            "motif": motif,
            "mediateur": mediateur,
            "chosen": chosen,
            "current": current,
            "picker": found,
            "next_week": (creneau_form.cleaned_data["date"] + timedelta(days=7)) if motif else None,
        },
    )


@login_required
@require("accueil.rdv")
def rdv_detail(request, pk):
    rdv = get_scoped_or_404(
        RendezVous.objects.select_related("usager", "motif", "mediateur", "reserve_par", "passage"), request, pk=pk
    )
    historique = rdv.historique.select_related("par", "ancien_mediateur")
    return render(
        request,
        "accueil/rdv_detail.html",
        {
            "page_title": "Rendez-vous",
            "rdv": rdv,
            "historique": historique,
            "is_today": rdv.debut.astimezone(PARIS).date() == timezone.localdate(),
            "can_queue": can(request.user, "accueil.queue"),
            "statuts": StatutRendezVous,
        },
    )


@login_required
@require("accueil.rdv")
def rdv_annuler(request, pk):
    rdv = get_scoped_or_404(RendezVous.objects.select_related("motif"), request, pk=pk)
    form = AnnulerForm(request.POST or None)
    if rdv.statut != StatutRendezVous.A_VENIR:
        messages.error(request, "Ce rendez-vous n'est plus à venir : il ne peut pas être annulé.")
        return redirect("accueil:rdv_detail", pk=rdv.pk)
    if request.method == "POST" and form.is_valid():
        services.cancel_appointment(
            rendez_vous=rdv, by_visitor=form.cleaned_data["par"] == StatutRendezVous.EXCUSE, user=request.user
        )
        messages.success(request, "Rendez-vous annulé : le créneau est libéré.")
        return redirect("accueil:rdv_detail", pk=rdv.pk)
    return render(
        request, "accueil/rdv_annuler.html", {"page_title": "Annuler le rendez-vous", "rdv": rdv, "form": form}
    )


@login_required
@require("accueil.rdv")
def rdv_deplacer(request, pk):
    rdv = get_scoped_or_404(RendezVous.objects.select_related("motif", "mediateur"), request, pk=pk)
    if rdv.statut != StatutRendezVous.A_VENIR:
        messages.error(request, "Seul un rendez-vous à venir peut être déplacé.")
        return redirect("accueil:rdv_detail", pk=rdv.pk)
    form = DeplacerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reschedule_appointment(rendez_vous=rdv, start=form.cleaned_data["debut"], user=request.user)
        except services.BookingError as error:
            form.add_error("debut", error.message)
        else:
            messages.success(request, "Rendez-vous déplacé.")
            return redirect("accueil:rdv_detail", pk=rdv.pk)
    day = _parse_date(request.GET.get("date"))
    days = _week_slots(mds=rdv.mds, motif=rdv.motif, day=day, mediateur=rdv.mediateur)
    return render(
        request,
        "accueil/rdv_deplacer.html",
        {
            "page_title": "Déplacer le rendez-vous",
            "rdv": rdv,
            "form": form,
            "days": days,
            "day": day,
            "next_week": day + timedelta(days=7),
            "chosen": form["debut"].value(),
        },
    )


@login_required
@require("accueil.rdv")
def rdv_statut(request, pk, action):
    """POST-only quick actions on an appointment: arrivée (check-in) or absent."""
    rdv = get_scoped_or_404(RendezVous, request, pk=pk)
    if request.method != "POST" or action not in ("arrivee", "absent"):
        return redirect("accueil:rdv_detail", pk=rdv.pk)
    try:
        if action == "arrivee":
            if not can(request.user, "accueil.queue"):
                raise Http404
            passage = services.check_in(rendez_vous=rdv, user=request.user)
            messages.success(request, f"Arrivée enregistrée : ticket {passage.ticket}.")
        else:
            services.set_appointment_status(rendez_vous=rdv, statut=StatutRendezVous.ABSENT, user=request.user)
            messages.success(request, "Rendez-vous marqué « absent ».")
    except services.BookingError as error:
        messages.error(request, error.message)
    if request.POST.get("retour") == "agenda":
        return redirect(reverse("accueil:agenda") + f"?date={rdv.debut.astimezone(PARIS):%Y-%m-%d}")
    return redirect("accueil:rdv_detail", pk=rdv.pk)


@login_required
@require("accueil.rdv")
@mds_required
def agenda_ics(request, mediateur_id):
    mediateur = get_object_or_404(mediators_of(request.mds), pk=mediateur_id)
    since = timezone.now() - timedelta(days=30)
    until = timezone.now() + timedelta(days=120)
    rdvs = selectors.appointments_between(mds=request.mds, start=since, end=until, mediateur=mediateur).filter(
        statut__in=[StatutRendezVous.A_VENIR, StatutRendezVous.HONORE]
    )
    response = HttpResponse(
        build_ics(mds=request.mds, mediateur=mediateur, rendez_vous=rdvs), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="agenda-{request.mds.code}-{mediateur.pk}.ics"'
    return response


# -- settings (directors) ------------------------------------------------------------------------

SETTINGS_KINDS = {
    "plage": (PlageOuverture, PlageOuvertureForm, "Plage d'ouverture"),
    "fermeture": (Fermeture, FermetureForm, "Fermeture"),
    "motif": (Motif, MotifForm, "Motif"),
    "disponibilite": (Disponibilite, DisponibiliteForm, "Disponibilité"),
    "absence": (Absence, AbsenceForm, "Absence"),
    "ecran": (EcranSalle, EcranForm, "Écran"),
}


def _closure_summary(appointments, elsewhere) -> str:
    """« 2 rendez-vous, 1 séance d'atelier (3 personnes inscrites ou en attente) »."""
    parts = [f"{len(appointments)} rendez-vous"] if appointments else []
    return ", ".join(parts + [found["impact"].summary(found["rows"]) for found in elsewhere])


def _ajouter_fermeture(request, form):
    """A closure over days with bookings (appointments, and the peers' — atelier séances) asks once:
    cancel them all (people told) or keep them."""
    data = form.cleaned_data
    days = {"mds": request.mds, "date_debut": data["date_debut"], "date_fin": data["date_fin"]}
    hit = list(services.appointments_hit_by_closure(**days))
    elsewhere = closures.hits_of(**days)
    choice = request.POST.get("rendez_vous", "")
    if (hit or elsewhere) and choice not in ("annuler", "garder"):
        return render(
            request,
            "accueil/fermeture_confirmer.html",
            {
                "page_title": "Fermeture : réservations concernées",
                "form": form,
                "rendez_vous": hit,
                "ailleurs": elsewhere,
            },
        )
    try:
        result = services.add_closure(
            **days, libelle=data.get("libelle", ""), cancel_appointments=choice == "annuler", user=request.user
        )
    except (services.BookingError, ValidationError) as error:
        messages.error(request, str(error) if isinstance(error, services.BookingError) else " ".join(error.messages))
        return redirect(reverse("accueil:parametres") + "#fermeture")
    done = _closure_summary(result.cancelled, result.cancelled_elsewhere)
    if done:
        messages.success(request, f"Fermeture ajoutée ; annulés : {done} ; les personnes joignables sont prévenues.")
    elif hit or elsewhere:
        messages.warning(
            request, f"Fermeture ajoutée ; restent prévus ces jours-là : {_closure_summary(hit, elsewhere)}."
        )
    else:
        messages.success(request, "Fermeture ajoutée.")
    return redirect(reverse("accueil:parametres") + "#fermeture")


@login_required
@require("accueil.settings")
@mds_required
def parametres(request):
    mds = request.mds
    forms_by_kind = {kind: form_class(mds=mds, prefix=kind) for kind, (_, form_class, _) in SETTINGS_KINDS.items()}
    if request.method == "POST":
        kind = request.POST.get("kind")
        if kind not in SETTINGS_KINDS:
            raise Http404
        _, form_class, label = SETTINGS_KINDS[kind]
        form = form_class(request.POST, mds=mds, prefix=kind)
        forms_by_kind[kind] = form
        if kind == "fermeture" and form.is_valid():
            return _ajouter_fermeture(request, form)
        if form.is_valid():
            form.save()
            messages.success(
                request, f"{label} ajoutée." if kind != "motif" and kind != "ecran" else f"{label} ajouté."
            )
            return redirect(reverse("accueil:parametres") + f"#{kind}")
    today = timezone.localdate()
    upcoming_holidays = sorted(
        (d, name) for year in (today.year, today.year + 1) for d, name in _holidays(year) if d >= today
    )[:6]
    return render(
        request,
        "accueil/parametres.html",
        {
            "page_title": "Paramètres de l'accueil",
            "forms": forms_by_kind,
            "plages": scoped(PlageOuverture, request),
            "fermetures": scoped(Fermeture, request).filter(date_fin__gte=today),
            "motifs": scoped(Motif, request).annotate(
                nb_rdv=Count("rendez_vous", filter=Q(rendez_vous__statut=StatutRendezVous.A_VENIR))
            ),
            "disponibilites": scoped(Disponibilite, request).select_related("mediateur"),
            "absences": scoped(Absence, request).filter(fin__gte=timezone.now()).select_related("mediateur"),
            "ecrans": scoped(EcranSalle, request).actifs(),
            "jours_feries": upcoming_holidays,
        },
    )


def _holidays(year):
    return _holidays_for_year(year).items()


@login_required
@require("accueil.settings")
def parametre_supprimer(request, kind, pk):
    if kind not in SETTINGS_KINDS:
        raise Http404
    model, _, label = SETTINGS_KINDS[kind]
    obj = get_scoped_or_404(model, request, pk=pk)
    if request.method == "POST":
        if kind == "ecran":
            obj.revoque_le = timezone.now()
            obj.save(update_fields=["revoque_le"])
            messages.success(request, "Écran révoqué : son lien ne fonctionne plus.")
        elif kind == "motif" and obj.rendez_vous.exists():
            obj.actif = False
            obj.save(update_fields=["actif"])
            messages.success(request, "Ce motif a des rendez-vous : il est désactivé au lieu d'être supprimé.")
        elif kind == "fermeture":
            services.remove_closure(fermeture=obj)
            messages.success(request, "Fermeture supprimée (les ateliers ne sautent plus ces jours-là).")
        else:
            obj.delete()
            messages.success(request, f"{label} supprimée." if kind not in ("motif",) else f"{label} supprimé.")
        return redirect(reverse("accueil:parametres") + f"#{kind}")
    return render(
        request,
        "accueil/parametre_supprimer.html",
        {"page_title": "Confirmer la suppression", "obj": obj, "kind": kind, "label": label},
    )


@login_required
@require("accueil.settings")
def motif_modifier(request, pk):
    motif = get_scoped_or_404(Motif, request, pk=pk)
    form = MotifForm(request.POST or None, instance=motif, mds=request.mds)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Motif modifié.")
        return redirect(reverse("accueil:parametres") + "#motif")
    return render(
        request, "accueil/motif_modifier.html", {"page_title": "Modifier le motif", "form": form, "motif": motif}
    )


# -- waiting-room screen (public, token) ---------------------------------------------------------


def _screen_from_token(token):
    try:
        key = signing.Signer(salt="accueil.ecran").unsign(token)
    except signing.BadSignature:
        raise Http404 from None
    return get_object_or_404(EcranSalle.objects.actifs().select_related("mds"), cle=key)


def ecran(request, token):
    screen = _screen_from_token(token)
    called = selectors.called_tickets(mds=screen.mds)
    waiting = Passage.objects.filter(mds=screen.mds, jour=timezone.localdate(), statut=StatutPassage.EN_ATTENTE).count()
    for item in called:
        item["ticket"] = f"A-{item['numero']:03d}"
    context = {
        "page_title": "Salle d'attente",
        "screen": screen,
        "current": called[0] if called else None,
        "previous": called[1:],
        "waiting": waiting,
        "now": timezone.localtime(),
        "token": token,
        # Each call is read aloud in French, then in the optional second language (ECRAN_LANGUES).
        "ecran_langues": getattr(settings, "ECRAN_LANGUES", ["fr"]),
    }
    if request.headers.get("HX-Request") and request.GET.get("partial") == "1":
        response = render(request, "accueil/_ecran.html", context)
    else:
        response = render(request, "accueil/ecran.html", context)
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
