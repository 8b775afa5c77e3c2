"""Factories of the core app (MDS, staff). Each app has its own tests/<app>/factories.py."""

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings

from core.models import MDS, Membership, User
from core.roles import Role

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
TEST_PASSWORD = "Un-mot-de-passe-de-test-2026"


class MDSFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MDS
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"M{n:02d}")
    nom = factory.LazyAttribute(lambda o: f"MDS {o.code}")
    adresse = "1 rue de la République"
    code_postal = "13001"
    commune = "Marseille"
    commune_insee = "13201"


class UserFactory(factory.django.DjangoModelFactory):
    """A staff member of ``mds`` (pass ``mds=None`` for none). Roles that require MFA get a TOTP
    authenticator unless ``with_totp=False``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"agent{n}@test.mds13.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    role = Role.MEDIATEUR
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def mds(self, create, extracted, **kwargs):
        if not create or extracted is None:
            return
        for mds in extracted if isinstance(extracted, list | tuple) else [extracted]:
            Membership.objects.get_or_create(user=self, mds=mds)

    @factory.post_generation
    def with_totp(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False and self.role in settings.MFA_REQUIRED_ROLES:
            if not Authenticator.objects.filter(user=self, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(self, TEST_TOTP_SECRET)
