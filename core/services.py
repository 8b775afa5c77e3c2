from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .models import MDS, Membership, User
from .roles import Role

# Roles a director may give to the accounts of their MDS.
ROLES_GRANTED_BY_DIRECTOR = [Role.MEDIATEUR, Role.TUTEUR, Role.TRAVAILLEUR_SOCIAL, Role.ACCUEIL]


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
    context = {"user": user, "mds": mds, "url": password_setup_url(user), "site_name": settings.MDS_SITE_NAME}
    transaction.on_commit(
        lambda: send_mail(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Votre compte {settings.MDS_SITE_NAME}",
            message=render_to_string("core/email/invitation.txt", context),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return user
