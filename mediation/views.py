import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.input_guard import is_id
from core.pagination import paginate
from core.permissions import can, require
from core.scoping import get_scoped_or_404, has_mds, mds_required, no_mds_response, scoped
from usagers import picker
from usagers.models import Usager
from usagers.selectors import search as search_usagers
from usagers.services import create_usager

from . import notifications, recap, selectors, services
from .enums import Consentement, Etape, Posture, Resultat, SensOrientation, Source, StatutOrientation
from .forms import (
    DUREE_CHOICES,
    AccompagnementFiltreForm,
    AccompagnementForm,
    Bloc,
    CorrectionForm,
    NouvelleFicheForm,
    OrientationForm,
    PartenaireForm,
    RevueForm,
    StatutOrientationForm,
    new_prefix,
    parse_blocs,
    travailleurs_sociaux,
)
from .models import Accompagnement, Demarche, DemarcheRealisee, Partenaire, Revue, passage_model


def _passage_start(request, passage_id):
    """Start time (taken in charge, else arrival), visitor and source of a queue passage."""
    passages = passage_model().objects.for_request(request)
    passage = passages.filter(pk=passage_id).first() if is_id(passage_id) else None
    if passage is None:
        return None
    start = getattr(passage, "pris_en_charge_le", None) or getattr(passage, "arrivee_le", None)
    return {
        "passage": passage,
        "start": start,
        "usager": getattr(passage, "usager", None),
        "source": getattr(passage, "source", ""),
    }


def _logging_context(request, form, blocs, *, usager=None, timer_start=None):
    mds = request.mds
    return {
        "page_title": "Nouvel accompagnement",
        "form": form,
        "blocs": blocs,
        "usager": usager,
        "ouvertes": selectors.demarches_ouvertes(usager=usager) if usager else [],
        "frequentes": selectors.demarches_frequentes(mds=mds),
        "travailleurs_sociaux": list(travailleurs_sociaux(mds)),
        "partenaires": list(Partenaire.objects.for_mds(mds).filter(actif=True)),
        "postures": Posture.choices,
        "resultats": Resultat.choices,
        "consentements": Consentement.choices,
        "timer_start": timer_start,
        "validation_code": Etape.VALIDATION,
    }


def _deja_enregistre(request, accompagnement):
    """Re-opening the logging screen of a passage already logged shows that accompaniment."""
    messages.info(request, "Ce passage est déjà enregistré : voici l'accompagnement (« Corriger » pour le modifier).")
    url = reverse("mediation:detail", kwargs={"pk": accompagnement.pk})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@never_cache  # Back / history must ask the server again (re-log guard), not show a cached blank form
@login_required
@require("mediation.log")
@mds_required
def commencer(request):
    """The logging screen: visitor, source and start time pre-filled; démarches added with htmx;
    « Terminer » saves everything at once (idempotent on the form's key)."""
    mds = request.mds
    if request.method == "POST":
        form = AccompagnementForm(request.POST, mds=mds)
        blocs, items, blocs_valid = parse_blocs(request.POST, mds=mds)
        form_valid = form.is_valid()
        if form_valid and blocs_valid:
            data = form.cleaned_data
            try:
                accompagnement, _created = services.enregistrer_accompagnement(
                    mds=mds,
                    mediateur=request.user,
                    cle=data["cle"],
                    usager=data.get("usager"),
                    passage=data.get("passage"),
                    date=data["date"],
                    debut=data["debut"],
                    duree_minutes=data["duree_minutes"],
                    source=data["source"],
                    type_lieu=data["type_lieu"],
                    materiel=data["materiel"],
                    note=data["note"],
                    demarches=items,
                )
            except services.PassageDejaEnregistre as error:
                return _deja_enregistre(request, error.accompagnement)
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                return _vers_fiche(request, accompagnement)
        _erreurs_blocs(form, blocs, blocs_valid)
        usager = form.cleaned_data.get("usager") if hasattr(form, "cleaned_data") else None
        context = _logging_context(request, form, blocs, usager=usager)
        template = "mediation/commencer.html#formulaire" if request.htmx else "mediation/commencer.html"
        return render(request, template, context)

    now = timezone.localtime()
    initial = {"cle": uuid.uuid4(), "date": now.date(), "debut": now.time().replace(second=0, microsecond=0)}
    usager = None
    if is_id(request.GET.get("usager", "")):
        usager = get_object_or_404(Usager.objects.for_request(request).not_anonymized(), pk=request.GET["usager"])
        initial["usager"] = usager.pk
    source = request.GET.get("source", "")
    timer_start = None
    passage = _passage_start(request, request.GET.get("passage", ""))
    if passage:
        already = services.accompagnement_du_passage(passage=passage["passage"])
        if already is not None:
            return _deja_enregistre(request, already)
        initial["passage"] = passage["passage"].pk
        if passage["start"]:
            start = timezone.localtime(passage["start"])
            initial.update(date=start.date(), debut=start.time().replace(second=0, microsecond=0))
            timer_start = passage["start"]
        if usager is None and passage["usager"] is not None and passage["usager"].anonymise_le is None:
            usager = passage["usager"]
            initial["usager"] = usager.pk
        if not source:
            source = passage["source"]
    if source in Source.values:
        initial["source"] = source
    elif usager is None and not passage:
        initial["source"] = Source.ALLER_VERS
    form = AccompagnementForm(initial=initial, mds=mds)
    postures = selectors.dernieres_postures(usager=usager)
    blocs = []
    suite_id = request.GET.get("suite", "")
    if is_id(suite_id):
        suite = get_object_or_404(
            DemarcheRealisee.objects.filter(accompagnement__mds=mds).select_related("demarche__organisme"),
            pk=suite_id,
        )
        blocs.append(Bloc(prefix=new_prefix(), demarche=suite.demarche, suite=suite, postures=postures))
    context = _logging_context(request, form, blocs, usager=usager, timer_start=timer_start)
    context["passage_info"] = passage["passage"] if passage else None
    return render(request, "mediation/commencer.html", context)


@login_required
@require("mediation.log")
@require_GET
@mds_required
def recherche_demarches(request):
    q = request.GET.get("q", "")[:80]
    results = selectors.rechercher_demarches(mds=request.mds, q=q)
    return render(request, "mediation/_resultats.html", {"resultats": results, "q": q})


def _usager_du_bloc(request):
    """The visitor of the logging screen (``usager`` added by mediation.js), scoped to the MDS."""
    pk = request.GET.get("usager", "")
    if not is_id(pk):
        return None
    return Usager.objects.for_request(request).not_anonymized().filter(pk=pk).first()


@login_required
@require("mediation.log")
@require_GET
@mds_required
def bloc_demarche(request, pk):
    """A démarche block with its default steps and the mediator's last posture for each step."""
    demarche = get_object_or_404(Demarche.objects.select_related("organisme"), pk=pk, actif=True)
    suite = None
    if is_id(request.GET.get("suite", "")):
        suite = get_object_or_404(
            DemarcheRealisee.objects.filter(accompagnement__mds=request.mds).prefetch_related("pieces"),
            pk=request.GET["suite"],
            demarche=demarche,
        )
    bloc = Bloc(
        prefix=new_prefix(),
        demarche=demarche,
        suite=suite,
        postures=selectors.dernieres_postures(usager=_usager_du_bloc(request)),
    )
    context = {
        "bloc": bloc,
        "postures": Posture.choices,
        "resultats": Resultat.choices,
        "consentements": Consentement.choices,
        "travailleurs_sociaux": list(travailleurs_sociaux(request.mds)),
        "partenaires": list(Partenaire.objects.for_mds(request.mds).filter(actif=True)),
        "validation_code": Etape.VALIDATION,
    }
    return render(request, "mediation/_bloc.html", context)


@login_required
@require("mediation.log")
@require_GET
def ligne_etape(request):
    prefix, code = request.GET.get("p", ""), request.GET.get("code", "")
    if not prefix.isalnum() or code not in Etape.values:
        return HttpResponse(status=400)
    posture = selectors.dernieres_postures(usager=_usager_du_bloc(request)).get(code, "")
    bloc = Bloc.__new__(Bloc)
    bloc.prefix, bloc.errors, bloc.consentement = prefix, {}, ""
    bloc.suggestions = {code} if posture else set()
    context = {
        "bloc": bloc,
        "etape": (code, Etape(code).label, posture),
        "postures": Posture.choices,
        "consentements": Consentement.choices,
        "validation_code": Etape.VALIDATION,
    }
    return render(request, "mediation/_etape.html", context)


def _accompagnements(request):
    return scoped(Accompagnement, request).select_related("usager", "mediateur", "passage__motif")


@login_required
def liste(request):
    """« Mes accompagnements » (tutors and directors: the whole MDS too), filtered and paginated,
    so that an accompaniment — anonymous ones included — can be found, reopened, reprinted."""
    peut_saisir, voit_tout = can(request.user, "mediation.log"), can(request.user, "mediation.view_all")
    if not (peut_saisir or voit_tout):
        raise PermissionDenied
    if not has_mds(request):
        return no_mds_response(request)
    form = AccompagnementFiltreForm(request.GET or None)
    f = form.filtres() if request.GET else {}
    tous = voit_tout and (f.get("tous") or not peut_saisir)
    base = _accompagnements(request)
    usagers = None
    if f.get("q"):
        usagers = search_usagers(Usager.objects.for_request(request).not_anonymized(), f["q"])
        base = base.filter(usager__in=usagers)
    qs = selectors.accompagnements(
        base=base,
        mediateur=None if tous else request.user,
        du=f.get("du"),
        au=f.get("au"),
        anonymes=bool(f.get("anonymes")),
    )
    page = paginate(request, qs)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "mediation/liste.html",
        {
            "page_title": "Accompagnements de la MDS" if tous else "Mes accompagnements",
            "page": page,
            "form": form,
            "tous": tous,
            "voit_tout": voit_tout and peut_saisir,
            "peut_saisir": peut_saisir,
            "query_string": params.urlencode(),
        },
    )


def _peut_voir(view):
    """Accompaniment pages: mediators and tutors; directors read (mediation.view_all)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (can(request.user, "mediation.log") or can(request.user, "mediation.view_all")):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_permission = "mediation.log"
    return wrapped


@login_required
@_peut_voir
def detail(request, pk):
    accompagnement = get_object_or_404(
        _accompagnements(request).prefetch_related(
            "demarches__demarche__organisme",
            "demarches__etapes",
            "demarches__pieces",
            "demarches__orientations",
            "demarches__revue__acquittee_par",
        ),
        pk=pk,
    )
    return render(
        request,
        "mediation/detail.html",
        {
            "page_title": "Accompagnement enregistré",
            "acc": accompagnement,
            "recap": recap.recapitulatif(accompagnement),
            "envoi": notifications.envoi_recapitulatif(accompagnement),
            "peut_saisir": can(request.user, "mediation.log"),
            "picker": picker.searched(request, scoped(Usager, request)) if accompagnement.usager_id is None else None,
        },
    )


@login_required
@require("mediation.log")
@require_POST
def recapitulatif_envoyer(request, pk):
    """Send the récapitulatif to the visitor by SMS or e-mail (once)."""
    accompagnement = get_scoped_or_404(Accompagnement, request, pk=pk)
    try:
        message = services.envoyer_recapitulatif(accompagnement=accompagnement)
    except services.RecapitulatifDejaEnvoye:
        messages.warning(request, services.RECAP_DEJA_ENVOYE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        canal = "par SMS" if message.channel == "sms" else "par e-mail"
        messages.success(request, f"Le récapitulatif part {canal} dans un instant.")
    return redirect("mediation:detail", pk=accompagnement.pk)


@login_required
@_peut_voir
def recapitulatif(request, pk):
    accompagnement = get_object_or_404(
        _accompagnements(request).prefetch_related("demarches__demarche__organisme", "demarches__pieces"), pk=pk
    )
    return render(
        request,
        "mediation/recapitulatif.html",
        {
            "page_title": "Récapitulatif de votre passage",
            "acc": accompagnement,
            "recap": recap.recapitulatif(accompagnement),
        },
    )


@login_required
@require("mediation.log")
def corriger(request, pk):
    """Correct time, duration, origin or note. The session log keeps both versions."""
    accompagnement = get_object_or_404(_accompagnements(request), pk=pk)
    fields = ["date", "debut", "duree_minutes", "source", "type_lieu", "note"]
    form = CorrectionForm(request.POST or None, initial={f: getattr(accompagnement, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.corriger_accompagnement(accompagnement=accompagnement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Accompagnement corrigé.")
            return redirect("mediation:detail", pk=accompagnement.pk)
    return render(
        request,
        "mediation/corriger.html",
        {"page_title": "Corriger l'accompagnement", "form": form, "acc": accompagnement},
    )


def _initial_correction(acc):
    presets = {value for value, _ in DUREE_CHOICES if value != "autre"}
    duree = str(acc.duree_minutes) if str(acc.duree_minutes) in presets else "autre"
    return {
        "cle": acc.cle,
        "usager": acc.usager_id,
        "passage": acc.passage_id,
        "source": acc.source,
        "date": acc.date,
        "debut": acc.debut,
        "duree": duree,
        "duree_autre": acc.duree_minutes if duree == "autre" else None,
        "type_lieu": acc.type_lieu,
        "materiel": acc.materiel,
        "note": acc.note,
    }


@never_cache
@login_required
@require("mediation.log")
@mds_required
def modifier(request, pk):
    """Full correction (démarches, steps, postures, outcome and the sitting itself) on the logging
    screen; the session log gets a superseding entry, the first version stays."""
    acc = get_object_or_404(
        _accompagnements(request).prefetch_related(
            "demarches__demarche__organisme", "demarches__etapes", "demarches__pieces", "demarches__orientations"
        ),
        pk=pk,
    )
    url = reverse("mediation:modifier", kwargs={"pk": acc.pk})
    if request.method == "POST":
        form = AccompagnementForm(request.POST, mds=request.mds)
        blocs, items, blocs_valid = parse_blocs(request.POST, mds=request.mds)
        if form.is_valid() and blocs_valid:
            data = form.cleaned_data
            try:
                services.corriger_accompagnement(
                    accompagnement=acc,
                    by=request.user,
                    demarches=items,
                    usager=data.get("usager"),
                    date=data["date"],
                    debut=data["debut"],
                    duree_minutes=data["duree_minutes"],
                    source=data["source"],
                    type_lieu=data["type_lieu"],
                    materiel=data["materiel"],
                    note=data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, "Accompagnement corrigé (le journal garde la version précédente).")
                return _vers_fiche(request, acc)
        _erreurs_blocs(form, blocs, blocs_valid)
    else:
        form = AccompagnementForm(initial=_initial_correction(acc), mds=request.mds)
        blocs = [Bloc.depuis_realisee(realisee) for realisee in acc.demarches.all()]
    context = _logging_context(request, form, blocs, usager=acc.usager)
    context.update(
        page_title="Corriger l'accompagnement",
        form_action=url,
        submit_label="Enregistrer la correction",
        correction=acc,
        ouvertes=[],
    )
    template = (
        "mediation/commencer.html#formulaire"
        if request.htmx and request.method == "POST"
        else "mediation/commencer.html"
    )
    return render(request, template, context)


@login_required
@require("mediation.log")
@require_POST
def rattacher(request, pk):
    """Attach an anonymous accompaniment to an existing visitor, or to a record created now
    (first name carried from the queue). The session log gets a superseding entry."""
    acc = get_object_or_404(_accompagnements(request).select_related("passage"), pk=pk)
    if acc.usager_id is not None:
        messages.warning(request, "Cet accompagnement est déjà rattaché à une fiche.")
        return redirect("mediation:detail", pk=acc.pk)
    if request.POST.get("creer"):
        form = NouvelleFicheForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect("mediation:detail", pk=acc.pk)
        try:
            usager = create_usager(mds=request.mds, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("mediation:detail", pk=acc.pk)
    elif picker.SEARCH_BUTTON in request.POST:
        # The no-JS search: the detail page again with the records found (rendered here, not
        # redirected, so that what was typed — a name, a phone — never lands in a URL).
        return detail(request, pk=acc.pk)
    else:
        pk_usager = request.POST.get("usager", "")
        usager = (
            Usager.objects.for_request(request).not_anonymized().filter(pk=pk_usager).first()
            if is_id(pk_usager)
            else None
        )
        if usager is None:
            messages.error(request, "Choisissez la fiche de la personne dans la liste.")
            return redirect("mediation:detail", pk=acc.pk)
    services.corriger_accompagnement(accompagnement=acc, by=request.user, usager=usager)
    messages.success(request, f"Accompagnement rattaché à la fiche {usager.reference}.")
    return redirect("mediation:detail", pk=acc.pk)


@login_required
@require("mediation.log")
def supprimer(request, pk):
    """Remove a sitting logged by mistake (confirmation step). The session log keeps a cancellation."""
    accompagnement = get_object_or_404(_accompagnements(request), pk=pk)
    if request.method == "POST":
        usager = accompagnement.usager
        services.annuler_accompagnement(accompagnement=accompagnement, by=request.user)
        messages.success(request, "L'accompagnement a été supprimé.")
        if usager is not None:
            try:
                return redirect(reverse("usagers:detail", kwargs={"pk": usager.pk}))
            except NoReverseMatch:  # the visitor page comes with the usagers app
                pass
        return redirect("core:home")
    return render(
        request, "mediation/supprimer.html", {"page_title": "Supprimer l'accompagnement", "acc": accompagnement}
    )


# ------------------------------------------------------------------------------------------------
# Review of interns' « à la place » acts


@login_required
@require("mediation.review")
@mds_required
def revue(request):
    base = (
        Revue.objects.for_request(request)
        .filter(Q(tuteur=request.user) | Q(tuteur__isnull=True))
        .select_related(
            "demarche_realisee__demarche__organisme",
            "demarche_realisee__accompagnement__mediateur",
            "demarche_realisee__accompagnement__usager",
            "acquittee_par",
        )
        .prefetch_related("demarche_realisee__etapes")
    )
    a_voir = base.filter(acquittee_le__isnull=True).order_by("created_at")
    vues = base.filter(acquittee_le__isnull=False).order_by("-acquittee_le")
    page = paginate(request, vues)
    return render(
        request,
        "mediation/revue.html",
        {"page_title": "Revue des actes « à la place »", "a_voir": a_voir, "page": page, "form": RevueForm()},
    )


@login_required
@require("mediation.review")
@require_POST
def revue_acquitter(request, pk):
    mine = Revue.objects.for_request(request).filter(Q(tuteur=request.user) | Q(tuteur__isnull=True))
    item = get_object_or_404(mine, pk=pk)
    form = RevueForm(request.POST)
    if form.is_valid():
        services.acquitter_revue(revue=item, tuteur=request.user, commentaire=form.cleaned_data["commentaire"])
        messages.success(request, "Acte marqué comme vu.")
    else:
        messages.error(request, "Commentaire refusé : " + " ".join(form.errors.get("commentaire", [])))
    return redirect("mediation:revue")


@login_required
@require("mediation.log")
@require_POST
def revue_lue(request, pk):
    """The intern marks her tutor's feedback as read (from her home or from the accompaniment)."""
    item = get_object_or_404(
        Revue.objects.for_request(request).filter(demarche_realisee__accompagnement__mediateur=request.user), pk=pk
    )
    try:
        services.marquer_revue_lue(revue=item, stagiaire=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Retour marqué comme lu.")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("core:home")
    return HttpResponseRedirect(target)  # a path, never a URL name (redirect() would try to reverse it)


# ------------------------------------------------------------------------------------------------
# Orientations (hand-offs) and partners


@login_required
@require("mediation.orientations")
@mds_required
def orientations(request):
    onglet = request.GET.get("onglet", "recues")
    if onglet == "envoyees":
        qs = selectors.orientations_envoyees(user=request.user, mds=request.mds)
    else:
        onglet = "recues"
        qs = selectors.orientations_recues(user=request.user, mds=request.mds)
    statut = request.GET.get("statut", "ouvertes")
    if statut == "ouvertes":
        qs = qs.exclude(statut=StatutOrientation.CLOSE)
    page = paginate(request, qs.order_by("-created_at"))
    return render(
        request,
        "mediation/orientations.html",
        {
            "page_title": "Orientations",
            "page": page,
            "onglet": onglet,
            "statut": statut,
            "query_string": f"onglet={onglet}&statut={statut}",
            "statuts": StatutOrientation,
            "peut_commencer": can(request.user, "mediation.log"),
        },
    )


@login_required
@require("mediation.orientations")
@mds_required
def orientation_nouvelle(request):
    usagers = Usager.objects.for_request(request).not_anonymized().order_by("reference")
    initial = {
        "sens": SensOrientation.VERS_MEDIATION
        if can(request.user, "mediation.orientations.equipe_ts")
        else SensOrientation.VERS_TRAVAILLEUR_SOCIAL
    }
    courant = None
    if is_id(request.GET.get("usager", "")):
        courant = get_object_or_404(usagers, pk=request.GET["usager"])
        initial["usager"] = courant.pk
    found = picker.searched(request, usagers)
    if found is not None:  # the no-JS « Chercher »: the same form again, with the records found
        form = OrientationForm(initial={**initial, **request.POST.dict()}, mds=request.mds, usagers=usagers)
    else:
        form = OrientationForm(request.POST or None, initial=initial, mds=request.mds, usagers=usagers)
    if request.method == "POST" and is_id(request.POST.get("usager", "")):
        courant = usagers.filter(pk=request.POST["usager"]).first()
    if found is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.orienter(mds=request.mds, emetteur=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, "Orientation envoyée.")
            return redirect(reverse("mediation:orientations") + "?onglet=envoyees")
    return render(
        request,
        "mediation/orientation_form.html",
        {"page_title": "Nouvelle orientation", "form": form, "usager_courant": courant, "picker": found},
    )


@login_required
@require("mediation.orientations")
@require_POST
@mds_required
def orientation_statut(request, pk, statut):
    recues = selectors.orientations_recues(user=request.user, mds=request.mds)
    envoyees = selectors.orientations_envoyees(user=request.user, mds=request.mds)
    orientation = recues.filter(pk=pk).first()
    if orientation is None:
        orientation = envoyees.filter(pk=pk).first()
        if orientation is None:
            raise Http404
        if statut != StatutOrientation.CLOSE:  # the sender may only close it
            raise Http404
    form = StatutOrientationForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reponse", [])))
        return redirect("mediation:orientations")
    try:
        services.changer_statut_orientation(
            orientation=orientation, by=request.user, statut=statut, reponse=form.cleaned_data["reponse"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Orientation : {StatutOrientation(statut).label.lower()}.")
    return redirect("mediation:orientations")


@login_required
@require("mediation.orientations")
@mds_required
def partenaires(request):
    qs = Partenaire.objects.for_request(request).order_by("-actif", "nom")
    page = paginate(request, qs)
    return render(
        request,
        "mediation/partenaires.html",
        {"page_title": "Structures partenaires", "page": page, "peut_modifier": can(request.user, "mediation.log")},
    )


@login_required
@require("mediation.log")
@mds_required
def partenaire_form(request, pk=None):
    instance = get_scoped_or_404(Partenaire, request, pk=pk) if pk else Partenaire(mds=request.mds)
    form = PartenaireForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Structure partenaire enregistrée.")
        return redirect("mediation:partenaires")
    title = "Modifier une structure partenaire" if pk else "Ajouter une structure partenaire"
    return render(request, "mediation/partenaire_form.html", {"page_title": title, "form": form})


def _vers_fiche(request, accompagnement):
    """After a save: the accompaniment's page (an htmx request is told to go there)."""
    url = reverse("mediation:detail", kwargs={"pk": accompagnement.pk})
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def _erreurs_blocs(form, blocs, blocs_valid) -> None:
    """The form-level message when the démarches are missing or one of them is incomplete."""
    if not blocs:
        form.add_error(None, "Ajoutez au moins une démarche (ou une aide numérique).")
    elif not blocs_valid:
        form.add_error(None, "Une démarche est incomplète : voir les messages dans la démarche concernée.")
