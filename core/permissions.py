"""The role matrix: the one place that says which role may do what.

Views ask ``can(user, "perm")`` or use ``@require("perm")``; nothing else tests a role by name.
Scoping (which MDS) is a separate concern: see ``core.scoping``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import Role

R = Role
DESK = {R.MEDIATEUR, R.TUTEUR, R.ACCUEIL}

MATRIX: dict[str, frozenset[Role]] = {
    # visitor files (usagers)
    "usagers.view": frozenset(DESK | {R.TRAVAILLEUR_SOCIAL, R.DIRECTEUR}),
    "usagers.edit": frozenset(DESK | {R.TRAVAILLEUR_SOCIAL}),
    "usagers.rights": frozenset({R.TUTEUR, R.DIRECTEUR, R.MEDIATEUR}),
    "usagers.journal": frozenset({R.DIRECTEUR}),
    # reception: queue, appointments, calendar settings
    "accueil.queue": frozenset(DESK),
    "accueil.rdv": frozenset(DESK | {R.TRAVAILLEUR_SOCIAL, R.DIRECTEUR}),
    "accueil.settings": frozenset({R.DIRECTEUR}),
    "accueil.bornes": frozenset({R.DIRECTEUR}),
    # mediation desk
    "mediation.log": frozenset({R.MEDIATEUR, R.TUTEUR}),
    "mediation.review": frozenset({R.TUTEUR}),
    "mediation.view_all": frozenset({R.TUTEUR, R.DIRECTEUR}),  # every accompaniment of the MDS (read)
    "mediation.orientations": frozenset({R.MEDIATEUR, R.TUTEUR, R.TRAVAILLEUR_SOCIAL}),
    "mediation.referentials": frozenset({R.COORDINATEUR, R.ADMIN}),
    # ateliers
    "ateliers.view": frozenset(DESK | {R.DIRECTEUR, R.TRAVAILLEUR_SOCIAL}),
    "ateliers.manage": frozenset({R.MEDIATEUR, R.TUTEUR, R.DIRECTEUR}),
    "ateliers.inscrire": frozenset(DESK | {R.TRAVAILLEUR_SOCIAL}),
    "ateliers.modeles": frozenset({R.COORDINATEUR}),
    # pilotage
    "pilotage.own_activity": frozenset({R.MEDIATEUR, R.TUTEUR, R.ACCUEIL}),
    "pilotage.mds": frozenset({R.DIRECTEUR}),
    "pilotage.departement": frozenset({R.COORDINATEUR}),
    "pilotage.reports": frozenset({R.DIRECTEUR, R.COORDINATEUR}),
    # staff accounts
    "core.team": frozenset({R.DIRECTEUR, R.ADMIN}),
}


def can(user, perm: str) -> bool:
    if perm not in MATRIX:
        raise KeyError(f"Permission inconnue : {perm}")
    return bool(user and user.is_authenticated and user.is_active and user.role in MATRIX[perm])


def require(perm: str):
    """View decorator: 403 unless the user's role has ``perm`` (login is handled by the caller)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not can(request.user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_permission = perm
        return wrapped

    return decorator
