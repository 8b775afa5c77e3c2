from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import services as team
from .forms import InvitationForm
from .homes import panels_for
from .input_guard import is_id
from .middleware import set_current_mds
from .models import User
from .pagination import paginate
from .permissions import can, require
from .scoping import mds_required
from .services import invite_staff


@login_required
def home(request):
    """« What do I do now »: the panels of the user's role (see core.homes), in order."""
    user = request.user
    if can(user, "pilotage.departement") or can(user, "pilotage.mds"):
        template = "core/home_pilotage.html"
    else:
        template = "core/home_desk.html"
    return render(request, template, {"page_title": "Accueil", "panels": panels_for(request)})


@login_required
@require_POST
def switch_mds(request):
    mds_id = request.POST.get("mds", "")
    if not is_id(mds_id):  # a hostile or empty value is "no such MDS", not a server error
        raise Http404
    mds = get_object_or_404(request.user.mds_list(), pk=mds_id)
    set_current_mds(request, mds)
    messages.success(request, f"Vous travaillez maintenant pour : {mds.nom}.")
    return redirect("core:home")


@login_required
@require("core.team")
@mds_required
def equipe(request):
    staff = User.objects.filter(memberships__mds=request.mds).order_by("-is_active", "last_name", "first_name")
    page = paginate(request, staff)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = invite_staff(mds=request.mds, **form.cleaned_data)
        messages.success(request, f"Invitation envoyée à {user.email}.")
        return redirect("core:equipe")
    for member in page.object_list:
        member.invitation_en_attente = team.invitation_pending(member)
        member.gerable = team.managed_by_director(member) and member.pk != request.user.pk
    return render(
        request,
        "core/equipe.html",
        {
            "page": page,
            "form": form,
            "page_title": "Équipe",
            "roles": [(r.value, r.label) for r in team.ROLES_GRANTED_BY_DIRECTOR],
        },
    )


TEAM_ACTIONS = {"renvoyer", "annuler", "desactiver", "reactiver", "role"}


@login_required
@require("core.team")
@mds_required
@require_POST
def equipe_action(request, pk, action):
    """Pending invitations (resend, cancel), deactivate / reactivate, change the role."""
    if action not in TEAM_ACTIONS:
        raise Http404
    member = get_object_or_404(User.objects.filter(memberships__mds=request.mds), pk=pk)
    name = member.get_full_name() or member.email
    try:
        if action == "renvoyer":
            team.resend_invitation(mds=request.mds, user=member)
            done = f"Invitation renvoyée à {member.email}."
        elif action == "annuler":
            team.cancel_invitation(mds=request.mds, user=member)
            done = f"Invitation de {name} annulée."
        elif action in ("desactiver", "reactiver"):
            team.set_active(mds=request.mds, user=member, active=action == "reactiver", by=request.user)
            done = f"Compte de {name} {'réactivé' if action == 'reactiver' else 'désactivé'}."
        else:
            team.change_role(mds=request.mds, user=member, role=request.POST.get("role", ""), by=request.user)
            member.refresh_from_db()
            done = f"{name} : rôle {member.get_role_display().lower()}."
    except team.TeamError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("core:equipe")


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)


def admin_login(request):
    """``/admin/login/`` (GET or POST) never authenticates: it sends to the allauth login, the one
    door with throttling and MFA, keeping a local ``next``."""
    from urllib.parse import urlencode

    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.GET.get("next", "")
    host = {request.get_host()}
    if not url_has_allowed_host_and_scheme(wanted, allowed_hosts=host, require_https=request.is_secure()):
        wanted = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': wanted})}")
