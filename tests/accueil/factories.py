from datetime import date, time, timedelta

import factory

from accueil.calendar import local_dt, public_holiday
from accueil.models import Disponibilite, EcranSalle, Motif, PlageOuverture
from core.roles import Role
from tests.factories import MDSFactory, UserFactory


class MotifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Motif

    mds = factory.SubFactory(MDSFactory)
    libelle = factory.Sequence(lambda n: f"Aide à une démarche en ligne {n}")
    duree_minutes = 30
    reservable_borne = True
    delai_minimum_minutes = 30
    horizon_jours = 60


class EcranFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EcranSalle

    mds = factory.SubFactory(MDSFactory)
    nom = factory.Sequence(lambda n: f"Écran {n}")


WEEKDAYS = range(5)
DEFAULT_RANGES = ((time(9), time(12)), (time(13, 30), time(17)))


def open_desk(mds, *, days=WEEKDAYS, ranges=DEFAULT_RANGES):
    PlageOuverture.objects.bulk_create(
        [PlageOuverture(mds=mds, jour=d, debut=a, fin=b) for d in days for a, b in ranges]
    )


def make_mediators(mds, count=2, *, days=WEEKDAYS, ranges=DEFAULT_RANGES):
    mediators = [UserFactory(role=Role.MEDIATEUR, mds=mds) for _ in range(count)]
    Disponibilite.objects.bulk_create(
        [
            Disponibilite(mds=mds, mediateur=m, jour=d, debut=a, fin=b)
            for m in mediators
            for d in days
            for a, b in ranges
        ]
    )
    return mediators


def next_open_day(after: date | None = None, *, min_days=2) -> date:
    """A weekday that is not a French public holiday, at least ``min_days`` after ``after``."""
    day = (after or date.today()) + timedelta(days=min_days)
    while day.weekday() >= 5 or public_holiday(day):
        day += timedelta(days=1)
    return day


def at(day: date, hour: int, minute: int = 0):
    return local_dt(day, time(hour, minute))
