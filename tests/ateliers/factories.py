import datetime as dt

import factory
from django.utils import timezone

from ateliers.enums import Format, Thematique
from ateliers.models import Atelier, Seance
from tests.factories import MDSFactory


class AtelierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atelier

    mds = factory.SubFactory(MDSFactory)
    titre = factory.Sequence(lambda n: f"Atelier {n}")
    description = "Apprendre pas à pas."
    thematiques = factory.LazyFunction(lambda: [Thematique.EMAIL])
    format = Format.COLLECTIF
    duree_minutes = 90
    capacite = 8
    minimum_participants = 3


class SeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seance

    atelier = factory.SubFactory(AtelierFactory)
    mds = factory.LazyAttribute(lambda o: o.atelier.mds)
    format = factory.LazyAttribute(lambda o: o.atelier.format)
    debut = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    fin = factory.LazyAttribute(lambda o: o.debut + dt.timedelta(minutes=90))
    salle = "Salle 1"
    capacite = factory.LazyAttribute(lambda o: o.atelier.capacite)
    minimum_participants = factory.LazyAttribute(lambda o: o.atelier.minimum_participants)
