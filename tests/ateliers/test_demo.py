import io
import random

import pytest

from ateliers import demo
from ateliers.enums import Format, Public, StatutInscription, StatutSeance
from ateliers.models import Atelier, Inscription, Seance
from core import demo as core_demo
from mediation.models import JournalActivite


@pytest.mark.django_db
def test_demo_seed_is_realistic_consistent_and_idempotent():
    context = {"rng": random.Random(13), "scale": "demo", "stdout": io.StringIO()}
    core_demo.seed(context)
    demo.seed(context)
    counts = (Atelier.objects.count(), Seance.objects.count(), Inscription.objects.count())
    demo.seed(context)
    assert (Atelier.objects.count(), Seance.objects.count(), Inscription.objects.count()) == counts
    assert Atelier.objects.filter(mds__isnull=True, public=Public.PROFESSIONNELS).exists()
    # The registered-people counter matches the rows, never beyond capacity.
    for seance in Seance.objects.all():
        inscrits = seance.inscriptions.filter(statut=StatutInscription.INSCRIT).count()
        assert seance.places_prises == inscrits <= seance.capacite
    public = Seance.objects.filter(format=Format.COLLECTIF, atelier__public=Public.USAGERS, statut=StatutSeance.TENUE)
    fill = sum(s.places_prises for s in public) / sum(s.capacite for s in public)
    assert fill < 0.7  # collective ateliers for the public are often under-filled
    assert Seance.objects.filter(motif_annulation="minimum_non_atteint").exists()
    assert Seance.objects.filter(statut=StatutSeance.PLANIFIEE).exists()
    assert JournalActivite.objects.filter(seance_key__startswith="atelier-seance-").exists()
