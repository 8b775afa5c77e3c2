from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import MDS, Membership, User
from .permissions import role_has
from .roles import Role

# Roles a director may give to the accounts of their MDS (the matrix says which; Role says the order).
ROLES_GRANTED_BY_DIRECTOR = [role for role in Role if role_has(role, "core.team.gere_par_directeur")]


def managed_by_director(user: User) -> bool:
    return role_has(user.role, "core.team.gere_par_directeur")


def password_setup_url(user: User) -> str:
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL.rstrip("/") + path


@transaction.atomic
def invite_staff(*, mds: MDS, email: str, first_name: str, last_name: str, role: str, stagiaire: bool = False) -> User:
    """Create a staff account without a password and e-mail an invitation to choose one."""
    user = User(
        email=email.strip().lower(),
        first_name=first_name,
        last_name=last_name,
        role=role,
        stagiaire=stagiaire,
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    Membership.objects.create(user=user, mds=mds)
    _send_invitation(user, mds)
    return user


def _send_invitation(user: User, mds: MDS) -> None:
    context = {"user": user, "mds": mds, "url": password_setup_url(user), "site_name": settings.MDS_SITE_NAME}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Votre compte {settings.MDS_SITE_NAME}",
            message=render_to_string("core/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )


class TeamError(Exception):
    """A team change refused (message in French, shown as is)."""


def invitation_pending(user: User) -> bool:
    return user.is_active and not user.has_usable_password() and user.last_login is None


def _member(mds: MDS, user: User) -> User:
    if not Membership.objects.filter(mds=mds, user=user).exists():
        raise TeamError("Cette personne ne fait pas partie de l'équipe.")
    return user


@transaction.atomic
def resend_invitation(*, mds: MDS, user: User) -> None:
    _member(mds, user)
    if not invitation_pending(user):
        raise TeamError("Ce compte est déjà activé : pas d'invitation à renvoyer.")
    _send_invitation(user, mds)


@transaction.atomic
def cancel_invitation(*, mds: MDS, user: User) -> None:
    """An invitation not accepted yet is withdrawn: the account leaves this MDS and is closed
    (kept, deactivated, if another MDS still has it)."""
    _member(mds, user)
    if not invitation_pending(user):
        raise TeamError("Ce compte est déjà activé : désactivez-le plutôt.")
    Membership.objects.filter(mds=mds, user=user).delete()
    if not user.memberships.exists():
        user.is_active = False
        user.save(update_fields=["is_active"])


@transaction.atomic
def set_active(*, mds: MDS, user: User, active: bool, by: User) -> None:
    _member(mds, user)
    if user.pk == by.pk:
        raise TeamError("Vous ne pouvez pas désactiver votre propre compte.")
    if not managed_by_director(user):
        raise TeamError("Ce compte est géré par l'administration.")
    user.is_active = active
    user.save(update_fields=["is_active"])


@transaction.atomic
def change_role(*, mds: MDS, user: User, role: str, by: User) -> None:
    _member(mds, user)
    if user.pk == by.pk or not managed_by_director(user):
        raise TeamError("Ce rôle ne peut pas être changé ici.")
    if not role_has(role, "core.team.gere_par_directeur"):
        raise TeamError("Vous ne pouvez pas donner ce rôle.")
    user.role = role
    if role != Role.MEDIATEUR:
        user.stagiaire = False
    user.full_clean()
    user.save(update_fields=["role", "stagiaire"])
