import random
from collections import Counter

import pytest
from django.db.models import Count

from core import demo as core_demo
from mediation import demo
from mediation.models import Accompagnement, JournalActivite, JournalEtape
from mediation.selectors import journal_courant
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db


def test_seed_is_realistic_and_idempotent():
    context = {"rng": random.Random(13), "scale": "demo"}
    core_demo.seed(context)
    context["usagers"] = {code: [UsagerFactory(mds=mds) for _ in range(30)] for code, mds in context["mds"].items()}
    demo.seed(context)
    count = Accompagnement.objects.count()
    assert count > 300
    assert JournalActivite.objects.count() == count == journal_courant().count()
    demo.seed(context)
    assert Accompagnement.objects.count() == count
    sources = Counter(JournalActivite.objects.values_list("source", flat=True))
    assert sources["aller_vers"] > sources["oriente_professionnel"] > sources["rendez_vous"]
    organismes = list(
        JournalActivite.objects.values("demarches__organisme_code")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("demarches__organisme_code", flat=True)[:3]
    )
    assert "caf" in organismes[:2] and "dgfip" in organismes
    postures = Counter(JournalEtape.objects.values_list("posture", flat=True))
    total = sum(postures.values())
    assert (postures["avec"] + postures["faire_faire"]) / total > 0.5
    assert 0.08 < postures["a_la_place"] / total < 0.3
    # Returning visitors exist (several sittings each).
    assert Accompagnement.objects.values("usager").annotate(n=Count("id")).filter(n__gte=3).exists()
