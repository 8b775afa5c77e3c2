from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from .forms import InvitationForm
from .middleware import set_current_mds
from .models import User
from .pagination import paginate
from .permissions import can, require
from .scoping import mds_required
from .services import invite_staff


@login_required
def home(request):
    user = request.user
    if can(user, "pilotage.departement") or can(user, "pilotage.mds"):
        template = "core/home_pilotage.html"
    else:
        template = "core/home_desk.html"
    return render(request, template, {"page_title": "Accueil"})


@login_required
@require_POST
def switch_mds(request):
    mds = get_object_or_404(request.user.mds_list(), pk=request.POST.get("mds"))
    set_current_mds(request, mds)
    messages.success(request, f"Vous travaillez maintenant pour : {mds.nom}.")
    return redirect("core:home")


@login_required
@require("core.team")
@mds_required
def equipe(request):
    staff = User.objects.filter(memberships__mds=request.mds).order_by("last_name", "first_name")
    page = paginate(request, staff)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = invite_staff(mds=request.mds, **form.cleaned_data)
        messages.success(request, f"Invitation envoyée à {user.email}.")
        return redirect("core:equipe")
    return render(request, "core/equipe.html", {"page": page, "form": form, "page_title": "Équipe"})


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
