"""The role matrix: the one place that says which role may do what.

Views ask ``can(user, "perm")`` or use ``@require("perm")``, querysets filter on
``roles_with("perm")``; nothing else tests a role by name.
Scoping (which MDS) is a separate concern: see ``core.scoping``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .roles import Role

DESK = {Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL}

MATRIX: dict[str, frozenset[Role]] = {
    # visitor files (usagers)
    "usagers.view": frozenset(DESK | {Role.TRAVAILLEUR_SOCIAL, Role.DIRECTEUR}),
    "usagers.edit": frozenset(DESK | {Role.TRAVAILLEUR_SOCIAL}),
    "usagers.rights": frozenset({Role.TUTEUR, Role.DIRECTEUR, Role.MEDIATEUR}),
    "usagers.journal": frozenset({Role.DIRECTEUR}),
    # reception: queue, appointments, calendar settings
    "accueil.queue": frozenset(DESK),
    "accueil.rdv": frozenset(DESK | {Role.TRAVAILLEUR_SOCIAL, Role.DIRECTEUR}),
    "accueil.settings": frozenset({Role.DIRECTEUR}),
    "accueil.bornes": frozenset({Role.DIRECTEUR}),
    "accueil.tenir_rdv": frozenset({Role.MEDIATEUR, Role.TUTEUR}),  # holds appointments (agenda column)
    "accueil.rdv_par_orientation": frozenset({Role.TRAVAILLEUR_SOCIAL}),  # books as a referral (channel)
    # mediation desk
    "mediation.log": frozenset({Role.MEDIATEUR, Role.TUTEUR}),
    "mediation.review": frozenset({Role.TUTEUR}),
    "mediation.view_all": frozenset({Role.TUTEUR, Role.DIRECTEUR}),  # every accompaniment of the MDS (read)
    "mediation.orientations": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.TRAVAILLEUR_SOCIAL}),
    "mediation.referentials": frozenset({Role.COORDINATEUR, Role.ADMIN}),
    # who may receive a hand-off: the mediation team (as "mediation.log") or the social workers' team
    "mediation.orientations.destinataire": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.TRAVAILLEUR_SOCIAL}),
    "mediation.orientations.equipe_ts": frozenset({Role.TRAVAILLEUR_SOCIAL}),
    # ateliers
    "ateliers.view": frozenset(DESK | {Role.DIRECTEUR, Role.TRAVAILLEUR_SOCIAL}),
    "ateliers.manage": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.DIRECTEUR}),
    "ateliers.inscrire": frozenset(DESK | {Role.TRAVAILLEUR_SOCIAL}),
    "ateliers.modeles": frozenset({Role.COORDINATEUR}),
    "ateliers.animer": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.DIRECTEUR}),  # may lead a séance
    "ateliers.animateur_propose": frozenset({Role.MEDIATEUR, Role.TUTEUR}),  # pre-filled as the séance's lead
    # pilotage
    "pilotage.own_activity": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL}),
    "pilotage.mds": frozenset({Role.DIRECTEUR}),
    "pilotage.departement": frozenset({Role.COORDINATEUR}),
    "pilotage.reports": frozenset({Role.DIRECTEUR, Role.COORDINATEUR}),
    # staff accounts
    "core.team": frozenset({Role.DIRECTEUR, Role.ADMIN}),
    # the roles a director may give, take back, deactivate (the others are the administration's)
    "core.team.gere_par_directeur": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.TRAVAILLEUR_SOCIAL, Role.ACCUEIL}),
    # interoperability: API clients of the activity feed, calendar subscription, external agendas
    "interop.api_clients": frozenset({Role.COORDINATEUR}),
    "interop.calendrier": frozenset({Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL}),
    "interop.agendas_externes": frozenset({Role.DIRECTEUR}),
}


def can(user, perm: str) -> bool:
    if perm not in MATRIX:
        raise KeyError(f"Permission inconnue : {perm}")
    return bool(user and user.is_authenticated and user.is_active and user.role in MATRIX[perm])


def role_has(role, perm: str) -> bool:
    """``perm`` for a role as such — for an account that may be inactive (reactivating it, say)."""
    if perm not in MATRIX:
        raise KeyError(f"Permission inconnue : {perm}")
    return role in MATRIX[perm]


def roles_with(perm: str) -> frozenset[Role]:
    """The roles that have ``perm``, for querysets (``User.objects.filter(role__in=roles_with(…))``)."""
    if perm not in MATRIX:
        raise KeyError(f"Permission inconnue : {perm}")
    return MATRIX[perm]


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
