import random
from collections import Counter

import pytest

from core import demo as core_demo
from usagers import demo
from usagers.models import Usager

pytestmark = pytest.mark.django_db


def test_seed_is_idempotent_and_realistic():
    context = {"rng": random.Random(13), "scale": "demo", "stdout": None}
    core_demo.seed(context)
    demo.seed(context)
    assert set(context["usagers"]) == {"MAL", "MAR", "ROL"}
    assert all(len(v) == demo.PER_MDS["demo"] for v in context["usagers"].values())
    total = Usager.objects.count()
    context["rng"] = random.Random(14)
    demo.seed(context)
    assert Usager.objects.count() == total
    genres = Counter(Usager.objects.values_list("genre", flat=True))
    assert 0.40 < genres["feminin"] / total < 0.58
    assert 0.35 < genres["masculin"] / total < 0.52
    smartphone = Usager.objects.filter(equipements__contains=["smartphone"]).count()
    assert 0.70 < smartphone / total < 0.86
    internet = (
        Usager.objects.filter(internet_domicile=True).count() / Usager.objects.exclude(internet_domicile=None).count()
    )
    assert 0.48 < internet < 0.68
    # Seeded records pass the model validation (guard, formats) and can be searched.
    for usager in Usager.objects.order_by("?")[:40]:
        usager.full_clean()
    named = Usager.objects.exclude(nom="").first()
    assert named.recherche
