import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.dates import parse_date_param
from core.input_guard import is_id
from core.models import User
from core.pagination import paginate
from core.permissions import can, require, roles_with
from core.scoping import get_scoped_or_404, mds_required, scoped
from usagers import picker
from usagers import selectors as usagers_selectors
from usagers import services as usagers_services
from usagers.models import Usager

from . import selectors, services
from .enums import MotifAnnulation, Presence, StatutInscription, StatutSeance
from .forms import (
    AnnulationForm,
    AtelierForm,
    CapaciteForm,
    FermetureForm,
    InscriptionAnonymeForm,
    NouvelUsagerForm,
    ParticipantsAnonymesForm,
    RechercheUsagerForm,
    SeanceForm,
)
from .ics import seance_ics
from .models import Atelier, Fermeture, Inscription, ParticipantAnonyme, Seance

JOURS_CALENDRIER = 28


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Calendar and catalogue -----------------------------------------------------------------------


@login_required
@require("ateliers.view")
def calendrier(request):
    today = timezone.localdate()
    start = parse_date_param(request.GET.get("du"), default=today)
    start = start - dt.timedelta(days=start.weekday())
    debut = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    fin = debut + dt.timedelta(days=JOURS_CALENDRIER)
    seances = list(selectors.calendrier(scoped(Seance, request), debut=debut, fin=fin))
    jours = {}
    for seance in seances:
        jours.setdefault(timezone.localdate(seance.debut), []).append(seance)
    now = timezone.now()
    return render(
        request,
        "ateliers/calendrier.html",
        {
            "page_title": "Ateliers — calendrier",
            "jours": sorted(jours.items()),
            "start": start,
            "end": start + dt.timedelta(days=JOURS_CALENDRIER - 1),
            "precedent": start - dt.timedelta(days=JOURS_CALENDRIER),
            "suivant": start + dt.timedelta(days=JOURS_CALENDRIER),
            "alertes": [
                s for s in seances if s.alerte_minimum_le and s.statut == StatutSeance.PLANIFIEE and s.sous_minimum
            ],
            "now": now,
            "can_manage": can(request.user, "ateliers.manage"),
        },
    )


@login_required
@require("ateliers.view")
def catalogue(request):
    ateliers = scoped(Atelier, request).order_by("-actif", "titre")
    page = paginate(request, ateliers)
    return render(
        request,
        "ateliers/catalogue.html",
        {"page_title": "Catalogue des ateliers", "page": page, "can_manage": can(request.user, "ateliers.manage")},
    )


@login_required
@require("ateliers.manage")
def atelier_form(request, pk=None):
    atelier = None
    if pk is not None:
        atelier = get_scoped_or_404(Atelier, request, pk=pk)
        if atelier.mds_id is None:
            raise PermissionDenied  # Département-wide models are edited by the coordination
    form = AtelierForm(request.POST or None, instance=atelier)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        if obj.mds_id is None:
            obj.mds = request.mds
        obj.save()
        messages.success(request, "L'atelier est enregistré.")
        return redirect("ateliers:catalogue")
    return render(
        request,
        "ateliers/atelier_form.html",
        {"page_title": "Modifier l'atelier" if atelier else "Nouvel atelier", "form": form, "atelier": atelier},
    )


@login_required
@require("ateliers.modeles")
def modeles(request):
    """Département-wide catalogue models, published by the coordination to every MDS."""
    page = paginate(request, Atelier.objects.filter(mds__isnull=True).order_by("-actif", "titre"))
    return render(
        request,
        "ateliers/catalogue.html",
        {"page_title": "Modèles d'ateliers du Département", "page": page, "modeles": True, "can_manage": False},
    )


@login_required
@require("ateliers.modeles")
def modele_form(request, pk=None):
    atelier = get_object_or_404(Atelier, pk=pk, mds__isnull=True) if pk is not None else None
    form = AtelierForm(request.POST or None, instance=atelier)
    if request.method == "POST" and form.is_valid():
        obj = form.save(commit=False)
        obj.mds = None
        obj.save()
        messages.success(request, "Le modèle est publié pour toutes les MDS.")
        return redirect("ateliers:modeles")
    return render(
        request,
        "ateliers/atelier_form.html",
        {
            "page_title": "Modifier le modèle" if atelier else "Nouveau modèle départemental",
            "form": form,
            "atelier": atelier,
            "retour": reverse("ateliers:modeles"),
        },
    )


def _animateurs(request):
    return User.objects.filter(
        is_active=True, memberships__mds=request.mds, role__in=roles_with("ateliers.animer")
    ).order_by("first_name", "last_name")


@login_required
@require("ateliers.manage")
@mds_required
def seance_nouvelle(request):
    ateliers = scoped(Atelier, request).actifs()
    initial = {"animateur": request.user.pk if can(request.user, "ateliers.animateur_propose") else None}
    if is_id(request.GET.get("atelier", "")):
        initial["atelier"] = int(request.GET["atelier"])
    usagers = scoped(Usager, request).not_anonymized()
    found = picker.searched(request, usagers)
    form = SeanceForm(
        None if found is not None else request.POST or None,  # a no-JS search re-renders, saves nothing
        ateliers=ateliers,
        animateurs=_animateurs(request),
        usagers=usagers,
        initial={**initial, **request.POST.dict()} if found is not None else initial,
    )
    current = usagers.filter(pk=request.POST["usager"]).first() if is_id(request.POST.get("usager", "")) else None
    if found is None and request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.planifier_seances(
                mds=request.mds,
                atelier=data["atelier"],
                premier_jour=data["premier_jour"],
                heure=data["heure"],
                duree_minutes=data["duree_minutes"],
                frequence=data["frequence"],
                jusqu_au=data["jusqu_au"],
                salle=data["salle"],
                animateur=data["animateur"],
                capacite=data["capacite"],
                minimum_participants=data["minimum_participants"],
                usager=data["usager"],
                par=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            n = len(plan.seances)
            messages.success(request, f"{n} séance{'s' if n > 1 else ''} planifiée{'s' if n > 1 else ''}.")
            for occ in plan.ignorees:
                messages.info(request, f"{occ.date:%d/%m/%Y} sautée : {occ.ignoree}.")
            if plan.seances:
                return redirect("ateliers:seance", pk=plan.seances[0].pk)
            return redirect("ateliers:calendrier")
    return render(
        request,
        "ateliers/seance_form.html",
        {"page_title": "Planifier une séance", "form": form, "picker": found, "usager_courant": current},
    )


# --- Séance page and registrations ----------------------------------------------------------------


def _seance(request, pk):
    return get_scoped_or_404(Seance.objects.select_related("atelier", "animateur", "mds", "serie"), request, pk=pk)


@login_required
@require("ateliers.view")
def seance(request, pk):
    seance = _seance(request, pk)
    context = selectors.page_seance(seance)
    recherche = RechercheUsagerForm(request.GET or None)
    resultats = None
    if recherche.is_valid() and recherche.cleaned_data["q"].strip():
        q = recherche.cleaned_data["q"].strip()
        resultats = list(
            usagers_selectors.search(scoped(Usager, request).not_anonymized(), q).order_by("reference")[:10]
        )
    now = timezone.now()
    context.update(
        {
            "page_title": f"Séance — {seance.atelier.titre}",
            "seance": seance,
            "recherche": recherche,
            "resultats": resultats,
            "anonyme_form": InscriptionAnonymeForm(),
            "nouvel_usager_form": NouvelUsagerForm(),
            "capacite_form": CapaciteForm(initial={"capacite": seance.capacite}),
            "ouverte": seance.statut == StatutSeance.PLANIFIEE and seance.debut > now,
            "emargement_ouvert": seance.statut != StatutSeance.ANNULEE
            and timezone.localdate(seance.debut) <= timezone.localdate(now),
            "can_manage": can(request.user, "ateliers.manage"),
            "can_inscrire": can(request.user, "ateliers.inscrire"),
            "alerte_heures": services.alerte_minimum_heures(),
        }
    )
    return render(request, "ateliers/seance.html", context)


def _report_inscription(request, inscription):
    if inscription.statut == StatutInscription.ATTENTE:
        messages.warning(request, "La séance est complète : la personne est inscrite sur la liste d'attente.")
    else:
        messages.success(request, "Inscription enregistrée.")


def _inscrire_puis_revenir(request, seance, **personne):
    """Register (a visitor or an anonymous person), say how it went, back to the séance."""
    try:
        inscription = services.inscrire(seance_id=seance.pk, par=request.user, **personne)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        _report_inscription(request, inscription)
    return redirect("ateliers:seance", pk=seance.pk)


@login_required
@require("ateliers.inscrire")
@require_POST
def seance_inscrire(request, pk):
    seance = _seance(request, pk)
    usager_id = request.POST.get("usager", "")
    usager = get_scoped_or_404(Usager, request, pk=usager_id) if is_id(usager_id) else None
    if usager is None:
        messages.error(request, "Choisissez un usager dans la liste.")
        return redirect("ateliers:seance", pk=seance.pk)
    return _inscrire_puis_revenir(request, seance, usager_id=usager.pk)


@login_required
@require("ateliers.inscrire")
@require_POST
def seance_inscrire_anonyme(request, pk):
    seance = _seance(request, pk)
    form = InscriptionAnonymeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Vérifiez la tranche d'âge.")
        return redirect("ateliers:seance", pk=seance.pk)
    return _inscrire_puis_revenir(
        request,
        seance,
        tranche_age=form.cleaned_data["tranche_age"],
        deja_accompagne=form.cleaned_data["deja_accompagne"],
    )


@login_required
@require("ateliers.inscrire")
@require_POST
def seance_nouvel_usager(request, pk):
    seance = _seance(request, pk)
    form = NouvelUsagerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("ateliers:seance", pk=seance.pk)
    try:
        with transaction.atomic():
            usager = usagers_services.create_usager(
                mds=seance.mds,
                user=request.user,
                prenom=form.cleaned_data["prenom"].strip(),
                tranche_age=form.cleaned_data["tranche_age"],
            )
            inscription = services.inscrire(seance_id=seance.pk, usager_id=usager.pk, par=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        _report_inscription(request, inscription)
        messages.info(request, f"Nouvel usager créé : référence {usager.reference}.")
    return redirect("ateliers:seance", pk=seance.pk)


@login_required
@require("ateliers.inscrire")
def inscription_desinscrire(request, pk):
    inscription = get_scoped_or_404(Inscription.objects.select_related("seance__atelier", "usager"), request, pk=pk)
    if request.method == "POST":
        promus = services.desinscrire(inscription_id=inscription.pk, par=request.user)
        messages.success(request, "Désinscription enregistrée.")
        for promu in promus:
            messages.info(request, f"{promu.libelle} passe de la liste d'attente aux inscrits.")
        return redirect("ateliers:seance", pk=inscription.seance_id)
    return render(
        request,
        "ateliers/confirmer.html",
        {
            "page_title": "Confirmer la désinscription",
            "titre": "Désinscrire cette personne ?",
            "texte": f"{inscription.libelle} sera retiré·e de la séance « {inscription.seance} ».",
            "bouton": "Oui, désinscrire",
            "retour": reverse("ateliers:seance", args=[inscription.seance_id]),
        },
    )


@login_required
@require("ateliers.manage")
def seance_capacite(request, pk):
    seance = _seance(request, pk)
    form = CapaciteForm(request.POST or None, initial={"capacite": seance.capacite})
    if request.method == "POST" and form.is_valid():
        try:
            promus = services.modifier_capacite(
                seance_id=seance.pk, capacite=form.cleaned_data["capacite"], par=request.user
            )
        except ValidationError as error:
            for message in error.message_dict.get("capacite", error.messages):
                form.add_error("capacite", message)
        else:
            messages.success(request, "Capacité modifiée.")
            for promu in promus:
                messages.info(request, f"{promu.libelle} passe de la liste d'attente aux inscrits.")
            return redirect("ateliers:seance", pk=seance.pk)
    return render(
        request, "ateliers/capacite_form.html", {"page_title": "Modifier la capacité", "form": form, "seance": seance}
    )


@login_required
@require("ateliers.manage")
def seance_annuler(request, pk):
    seance = _seance(request, pk)
    if seance.statut != StatutSeance.PLANIFIEE:
        messages.error(request, "Seule une séance planifiée peut être annulée.")
        return redirect("ateliers:seance", pk=seance.pk)
    initial = {"motif": MotifAnnulation.MINIMUM_NON_ATTEINT if seance.sous_minimum else MotifAnnulation.AUTRE}
    form = AnnulationForm(request.POST or None, initial=initial)
    if seance.serie_id is None:
        form.fields["portee"].choices = form.fields["portee"].choices[:1]
    if request.method == "POST" and form.is_valid():
        motif = form.cleaned_data["motif"]
        if form.cleaned_data["portee"] == "suite":
            annulees = services.cancel_rest_of_series(seance_id=seance.pk, motif=motif, par=request.user)
            messages.success(request, f"{len(annulees)} séance(s) annulée(s). Les inscrits seront prévenus.")
        else:
            services.cancel_seance(seance_id=seance.pk, motif=motif, par=request.user)
            messages.success(request, "Séance annulée. Les inscrits seront prévenus.")
        return redirect("ateliers:seance", pk=seance.pk)
    return render(request, "ateliers/annuler.html", {"page_title": "Annuler la séance", "form": form, "seance": seance})


@login_required
@require("ateliers.manage")
def seance_convertir(request, pk):
    seance = _seance(request, pk)
    if request.method == "POST":
        try:
            nouvelles = services.convertir_en_individuel(seance_id=seance.pk, par=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request, f"{len(nouvelles)} séance(s) individuelle(s) créée(s) ; la séance collective est annulée."
            )
        return redirect("ateliers:seance", pk=seance.pk)
    return render(
        request,
        "ateliers/confirmer.html",
        {
            "page_title": "Convertir en séances individuelles",
            "titre": "Convertir en séances individuelles ?",
            "texte": (
                f"Chaque personne inscrite ({seance.places_prises}) aura une séance individuelle sur le même créneau, "
                "l'une après l'autre. La séance collective sera annulée et la liste d'attente prévenue."
            ),
            "bouton": "Oui, convertir",
            "retour": reverse("ateliers:seance", args=[seance.pk]),
        },
    )


def seance_ics_view(request, pk):
    seance = _seance(request, pk)
    response = HttpResponse(seance_ics(seance), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="atelier-{seance.pk}.ics"'
    return response


seance_ics_view = login_required(require("ateliers.view")(seance_ics_view))


# --- Attendance (émargement) ----------------------------------------------------------------------


@login_required
@require("ateliers.manage")
def emargement(request, pk):
    seance = _seance(request, pk)
    context = selectors.page_seance(seance)
    context.update(
        {
            "page_title": f"Émargement — {seance.atelier.titre}",
            "seance": seance,
            "form": ParticipantsAnonymesForm(),
            "ouvert": seance.statut != StatutSeance.ANNULEE
            and timezone.localdate(seance.debut) <= timezone.localdate(),
        }
    )
    return render(request, "ateliers/emargement.html", context)


@login_required
@require("ateliers.manage")
def emargement_imprimer(request, pk):
    seance = _seance(request, pk)
    context = selectors.page_seance(seance)
    context.update({"page_title": f"Feuille d'émargement — {seance.atelier.titre}", "seance": seance})
    return render(request, "ateliers/emargement_print.html", context)


@login_required
@require("ateliers.manage")
@require_POST
def presence(request, pk):
    inscription = get_scoped_or_404(Inscription.objects.select_related("seance", "usager"), request, pk=pk)
    value = request.POST.get("presence", "")
    error = None
    if value not in (Presence.PRESENT, Presence.ABSENT, Presence.NON_RENSEIGNE):
        error = "Valeur de présence inconnue."
    else:
        try:
            inscription = services.marquer_presence(inscription_id=inscription.pk, presence=value, par=request.user)
        except ValidationError as exc:
            error = _error_text(exc)
    if request.htmx:
        response = render(
            request, "ateliers/emargement.html#ligne", {"inscription": inscription, "ouvert": True, "erreur": error}
        )
        return response
    if error:
        messages.error(request, error)
    return redirect("ateliers:emargement", pk=inscription.seance_id)


@login_required
@require("ateliers.manage")
@require_POST
def anonymes_ajouter(request, pk):
    seance = _seance(request, pk)
    form = ParticipantsAnonymesForm(request.POST)
    if form.is_valid():
        try:
            services.ajouter_participants_anonymes(seance_id=seance.pk, par=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Participants ajoutés.")
    else:
        messages.error(request, "Vérifiez le nombre (1 à 50) et la tranche d'âge.")
    return redirect("ateliers:emargement", pk=seance.pk)


@login_required
@require("ateliers.manage")
@require_POST
def anonymes_retirer(request, pk):
    row = get_scoped_or_404(ParticipantAnonyme, request, pk=pk)
    try:
        services.retirer_participants_anonymes(participant_id=row.pk, par=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Ligne retirée.")
    return redirect("ateliers:emargement", pk=row.seance_id)


@login_required
@require("ateliers.manage")
def cloturer(request, pk):
    seance = _seance(request, pk)
    if request.method == "POST":
        try:
            services.cloturer_emargement(seance_id=seance.pk, par=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("ateliers:emargement", pk=seance.pk)
        messages.success(request, "Émargement clôturé : la séance est comptée comme tenue.")
        return redirect("ateliers:seance", pk=seance.pk)
    return render(
        request,
        "ateliers/confirmer.html",
        {
            "page_title": "Clôturer l'émargement",
            "titre": "Clôturer l'émargement ?",
            "texte": "Les personnes inscrites non cochées « présent·e » seront notées absentes. "
            "La séance sera comptée comme tenue dans les statistiques.",
            "bouton": "Oui, clôturer",
            "retour": reverse("ateliers:emargement", args=[seance.pk]),
        },
    )


# --- Closures -------------------------------------------------------------------------------------


@login_required
@require("ateliers.manage")
@mds_required
def fermetures(request):
    form = FermetureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        fermeture = form.save(commit=False)
        fermeture.mds = request.mds
        fermeture.save()
        messages.success(request, "Fermeture enregistrée : les prochaines séries la sauteront.")
        return redirect("ateliers:fermetures")
    rows = scoped(Fermeture, request).filter(date_fin__gte=timezone.localdate() - dt.timedelta(days=90))
    return render(
        request, "ateliers/fermetures.html", {"page_title": "Fermetures de la MDS", "form": form, "fermetures": rows}
    )


@login_required
@require("ateliers.manage")
def fermeture_supprimer(request, pk):
    fermeture = get_scoped_or_404(Fermeture, request, pk=pk)
    if request.method == "POST":
        fermeture.delete()
        messages.success(request, "Fermeture supprimée.")
        return redirect("ateliers:fermetures")
    return render(
        request,
        "ateliers/confirmer.html",
        {
            "page_title": "Supprimer la fermeture",
            "titre": "Supprimer cette fermeture ?",
            "texte": f"Fermeture du {fermeture}. Les séances déjà planifiées ne changent pas.",
            "bouton": "Oui, supprimer",
            "retour": reverse("ateliers:fermetures"),
        },
    )
