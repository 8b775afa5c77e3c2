import factory
from django.core import signing

from accueil.borne import credentials
from accueil.borne.models import Borne, hash_secret
from tests.factories import MDSFactory


class BorneFactory(factory.django.DjangoModelFactory):
    """A paired, active kiosk device. Its clear secret is in ``borne.secret`` (tests only)."""

    class Meta:
        model = Borne
        skip_postgeneration_save = True

    mds = factory.SubFactory(MDSFactory)
    nom = factory.Sequence(lambda n: f"Borne {n}")
    secret = factory.LazyFunction(credentials.new_secret)
    identifiant_hash = factory.LazyAttribute(lambda o: hash_secret(o.secret))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        secret = kwargs.pop("secret")
        borne = super()._create(model_class, *args, **kwargs)
        borne.secret = secret
        return borne


def cookie_value(borne, secret=None) -> str:
    name = credentials.cookie_name()
    return signing.get_cookie_signer(salt=name + credentials.SALT).sign(f"{borne.pk}:{secret or borne.secret}")


def kiosk_client(borne):
    from django.test import Client

    client = Client()
    client.cookies[credentials.cookie_name()] = cookie_value(borne)
    return client
