"""Home panels owned by core: the administrator's day (accounts, devices, links to /admin/)."""

from django.db.models import Count, Q

from .homes import Panel
from .models import User
from .roles import Role

UNUSABLE_PASSWORD = "!"  # Django's prefix for an account that has not chosen its password yet


def comptes(request):
    counts = User.objects.aggregate(
        actifs=Count("pk", filter=Q(is_active=True) & ~Q(password__startswith=UNUSABLE_PASSWORD)),
        en_attente=Count("pk", filter=Q(is_active=True, password__startswith=UNUSABLE_PASSWORD)),
        desactives=Count("pk", filter=Q(is_active=False)),
    )
    recents = list(
        User.objects.order_by("-date_joined").only("email", "first_name", "last_name", "role", "date_joined")[:5]
    )
    return {"comptes": counts, "recents": recents}


PANELS = [
    Panel("core.comptes", frozenset({Role.ADMIN}), 10, "core/home/_comptes.html", comptes, needs_mds=False),
]
