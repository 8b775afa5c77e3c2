import factory

from tests.factories import MDSFactory
from usagers.models import Usager, new_reference_suffix


class UsagerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Usager

    mds = factory.SubFactory(MDSFactory)
    reference = factory.LazyAttribute(lambda o: f"{o.mds.code[:3].upper()}-{new_reference_suffix()}")
    prenom = factory.Faker("first_name", locale="fr_FR")
    nom = factory.Faker("last_name", locale="fr_FR")
