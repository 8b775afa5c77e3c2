"""Home panels owned by the mediation desk (registered in apps.py): feedback from the tutor,
démarches to follow up, acts to review, orientations. One selector call per panel."""

from core.homes import Panel
from core.roles import Role

from . import selectors


def retours(request):
    if not request.user.stagiaire:
        return None
    return {"retours": selectors.retours_tuteur(stagiaire=request.user)}


def a_suivre(request):
    return {"demarches": selectors.demarches_a_suivre(mds=request.mds, mediateur=request.user)}


def revue(request):
    return selectors.revues_a_voir(mds=request.mds, tuteur=request.user)


def orientations(request):
    recues = selectors.orientations_recues(user=request.user, mds=request.mds)
    envoyees = selectors.orientations_envoyees(user=request.user, mds=request.mds)
    return {
        "recues": list(recues.exclude(statut="close").order_by("-created_at")[:8]),
        "envoyees": list(envoyees.exclude(statut="close").order_by("-created_at")[:8]),
    }


PANELS = [
    Panel("mediation.retours", frozenset({Role.MEDIATEUR}), 5, "mediation/home/_retours.html", retours),
    Panel(
        "mediation.a_suivre", frozenset({Role.MEDIATEUR, Role.TUTEUR}), 30, "mediation/home/_a_suivre.html", a_suivre
    ),
    Panel("mediation.revue", frozenset({Role.TUTEUR}), 25, "mediation/home/_revue.html", revue),
    Panel(
        "mediation.orientations",
        frozenset({Role.TRAVAILLEUR_SOCIAL}),
        10,
        "mediation/home/_orientations.html",
        orientations,
    ),
]
