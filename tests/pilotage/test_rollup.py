import datetime as dt

import pytest

from mediation.services import annuler_accompagnement, corriger_accompagnement
from pilotage.models import ResumeActivite
from pilotage.rollup import rafraichir
from tests.mediation.factories import item, log

pytestmark = pytest.mark.django_db


def current():
    return {(r.date, r.duree_minutes): r for r in ResumeActivite.objects.filter(courante=True)}


def test_rollup_is_incremental_and_follows_corrections_and_cancellations(mds_a, mediateur):
    first = log(mds_a, mediateur, date=dt.date(2026, 10, 1), duree=30,
                items=[item("caf_attestation", postures={"identification": "autonome"})])  # fmt: skip
    assert rafraichir() == 1
    row = ResumeActivite.objects.get()
    assert (row.n_demarches, row.n_autonome, row.n_avec) == (1, 1, 2)  # 3 default steps, 1 set to autonome
    assert rafraichir() == 0  # nothing new: nothing done
    corriger_accompagnement(accompagnement=first, by=mediateur, duree_minutes=45)
    second = log(mds_a, mediateur, date=dt.date(2026, 10, 2), duree=20)
    annuler_accompagnement(accompagnement=second, by=mediateur)
    assert rafraichir() == 3  # correction, new activity, cancellation entry
    assert set(current()) == {(dt.date(2026, 10, 1), 45)}
    assert ResumeActivite.objects.count() == 4


def test_bulk_seed_fraction_and_analyze_of_every_filled_table(db):
    import io
    import random

    from pilotage import demo

    with pytest.raises(ValueError):
        demo.fraction_demandee({"fraction": 2})
    assert demo.fraction_demandee({"fraction": 0.1}) == 0.1
    out = io.StringIO()
    context = {"rng": random.Random(1), "scale": "departement", "fraction": 0.004, "stdout": out}
    demo.seed_departement(context)
    analyzed = out.getvalue().split("ANALYZE : ", 1)[1]
    for table in ("mediation_journalactivite", "mediation_journaletape", "accueil_rendezvous", "accueil_passage",
                  "usagers_usager", "pilotage_resumeactivite", "pilotage_agregatmois"):  # fmt: skip
        assert table in analyzed
    assert all(table in analyzed for table in demo.REMPLIES)
