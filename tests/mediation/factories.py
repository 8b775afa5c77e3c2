import datetime as dt
import uuid

import factory

from mediation.enums import Resultat, Source
from mediation.models import Demarche, Partenaire
from mediation.services import DemarcheInput, charger_referentiels, enregistrer_accompagnement
from tests.factories import MDSFactory


class PartenaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partenaire

    mds = factory.SubFactory(MDSFactory)
    nom = factory.Sequence(lambda n: f"Centre social n°{n}")
    adresse = "2 place de la Mairie, 13013 Marseille"
    permanences = "Mardi 9 h – 12 h"
    contact = "04 91 00 00 00"


def demarche(code="caf_prime_activite") -> Demarche:
    charger_referentiels()
    return Demarche.objects.select_related("organisme", "thematique").get(code=code)


def item(code="caf_prime_activite", resultat=Resultat.FINALISEE, postures=None, **extra) -> DemarcheInput:
    """A DemarcheInput with the démarche's default steps; ``postures`` maps step code → posture
    (default « avec »)."""
    d = demarche(code)
    postures = postures or {}
    etapes = [(c, postures.get(c, "avec")) for c in d.etapes_defaut]
    return DemarcheInput(demarche=d, resultat=resultat, etapes=etapes, **extra)


def log(mds, mediateur, *, usager=None, items=None, date=None, debut=dt.time(10, 0), duree=30, cle=None, **extra):
    acc, _ = enregistrer_accompagnement(
        mds=mds,
        mediateur=mediateur,
        cle=cle or uuid.uuid4(),
        usager=usager,
        date=date or dt.date(2026, 3, 10),
        debut=debut,
        duree_minutes=duree,
        source=extra.pop("source", Source.ALLER_VERS),
        demarches=items if items is not None else [item()],
        **extra,
    )
    return acc
