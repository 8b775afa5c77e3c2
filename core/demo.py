"""Demo structures and accounts. Every account shares one documented demo password; roles that
require MFA get a fixed TOTP secret so a tester can log in with any authenticator app or pyotp."""

from django.db import transaction

from .demo_accounts import DEMO_ACCOUNTS, DEMO_MDS, DEMO_PASSWORD, DEMO_TOTP_SECRET
from .models import MDS, Membership, User
from .roles import Role


@transaction.atomic
def seed(context: dict) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings

    by_code = {}
    for spec in DEMO_MDS:
        mds, _ = MDS.objects.update_or_create(code=spec["code"], defaults=spec)
        by_code[mds.code] = mds
    users = {}
    for email, first, last, role, codes, stagiaire in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"first_name": first, "last_name": last, "role": role, "stagiaire": stagiaire},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_superuser = role == Role.ADMIN
            # Coordinateurs edit the referentials in the admin (each ModelAdmin checks the role matrix).
            user.is_staff = role in (Role.ADMIN, Role.COORDINATEUR)
            user.save()
        for code in codes:
            Membership.objects.get_or_create(user=user, mds=by_code[code])
        if role in settings.MFA_REQUIRED_ROLES and not Authenticator.objects.filter(user=user).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
        users[email] = user
    stagiaire = users["mediatrice@demo.mds13.fr"]
    if stagiaire.tuteur_id is None:
        stagiaire.tuteur = users["tuteur@demo.mds13.fr"]
        stagiaire.save(update_fields=["tuteur"])
    context["mds"] = by_code
    context["users"] = users
