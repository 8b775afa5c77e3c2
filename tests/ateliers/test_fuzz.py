"""Fuzzing of the ateliers forms: whatever is posted, no server error and no broken invariant."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from ateliers import services
from ateliers.forms import AtelierForm, CapaciteForm, FermetureForm, InscriptionAnonymeForm, ParticipantsAnonymesForm
from ateliers.models import Seance
from tests.ateliers.factories import AtelierFactory, SeanceFactory
from tests.fuzz_helpers import expected
from tests.usagers.factories import UsagerFactory

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
junk = st.one_of(st.text(max_size=30), st.integers(-(10**12), 10**12).map(str), st.just(""))


def _post_data(form):
    data = {}
    for key, value in form.data.items():
        if isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, bool):
            data[key] = "on" if value else ""
        else:
            data[key] = str(value)
    return data


def form_or_junk(form_class, keys):
    return st.one_of(from_form(form_class).map(_post_data), st.fixed_dictionaries(dict.fromkeys(keys, junk)))


@pytest.fixture
def setup(mds_a, mediateur, client_for):
    seance = SeanceFactory(atelier__mds=mds_a, debut=timezone.now() - dt.timedelta(minutes=10), capacite=5)
    future = SeanceFactory(atelier__mds=mds_a, capacite=6, minimum_participants=1)
    for _ in range(2):
        services.inscrire(seance_id=future.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    return {"client": client_for(mediateur), "seance": seance, "future": future, "mds": mds_a, "user": mediateur}


@pytest.mark.django_db
@FUZZ
@given(
    data=form_or_junk(
        AtelierForm,
        [
            "titre",
            "description",
            "thematiques",
            "niveau",
            "format",
            "capacite",
            "minimum_participants",
            "duree_minutes",
        ],
    )
)
def test_fuzz_atelier_form(setup, data):
    response = setup["client"].post(reverse("ateliers:atelier_nouveau"), data)
    assert response.status_code in expected(data, (200, 302))


@pytest.mark.django_db
@FUZZ
@given(
    data=st.fixed_dictionaries(
        {
            "premier_jour": st.one_of(junk, st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(str)),
            "heure": st.one_of(junk, st.times().map(lambda t: t.strftime("%H:%M"))),
            "duree_minutes": st.one_of(junk, st.sampled_from(["30", "90", "180"])),
            "frequence": st.one_of(junk, st.sampled_from(["unique", "hebdomadaire", "quinzaine"])),
            "jusqu_au": st.one_of(junk, st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)).map(str)),
            "salle": junk,
            "usager": junk,
            "capacite": st.one_of(junk, st.integers(-2, 120).map(str)),
            "minimum_participants": st.one_of(junk, st.integers(-2, 120).map(str)),
            "atelier": st.sampled_from(["atelier", "autre", "junk"]),
        }
    )
)
def test_fuzz_seance_form(setup, data):
    if data["atelier"] == "atelier":
        data["atelier"] = str(setup["seance"].atelier_id)
    elif data["atelier"] == "autre":
        data["atelier"] = str(AtelierFactory().pk)  # another MDS: not in the choices
    before = Seance.objects.count()
    response = setup["client"].post(reverse("ateliers:seance_nouvelle"), data)
    assert response.status_code in expected(data, (200, 302))
    for seance in Seance.objects.all()[before:]:
        assert seance.mds_id == setup["mds"].pk and seance.minimum_participants <= seance.capacite


@pytest.mark.django_db
@FUZZ
@given(data=form_or_junk(ParticipantsAnonymesForm, ["nombre", "tranche_age", "deja_accompagne"]))
def test_fuzz_walk_in_counts(setup, data):
    seance = setup["seance"]
    status = setup["client"].post(reverse("ateliers:anonymes_ajouter", args=[seance.pk]), data).status_code
    assert status in expected(data, (302,))
    assert all(1 <= row.nombre <= 50 for row in seance.anonymes.all())


@pytest.mark.django_db
@FUZZ
@given(data=form_or_junk(InscriptionAnonymeForm, ["tranche_age", "deja_accompagne"]))
def test_fuzz_anonymous_registration(setup, data):
    future = setup["future"]
    status = setup["client"].post(reverse("ateliers:seance_inscrire_anonyme", args=[future.pk]), data).status_code
    assert status in expected(data, (302,))
    future.refresh_from_db()
    assert future.places_prises <= future.capacite
    assert future.places_prises == future.inscriptions.filter(statut="inscrit").count()


@pytest.mark.django_db
@FUZZ
@given(presence=junk, usager=junk)
def test_fuzz_presence_and_registration_ids(setup, presence, usager):
    client, future = setup["client"], setup["future"]
    inscription = future.inscriptions.first()
    status = client.post(reverse("ateliers:presence", args=[inscription.pk]), {"presence": presence}).status_code
    assert status in expected(presence, (302,))
    status = client.post(reverse("ateliers:seance_inscrire", args=[future.pk]), {"usager": usager}).status_code
    assert status in expected(usager, (302, 404))


@pytest.mark.django_db
@FUZZ
@given(data=form_or_junk(CapaciteForm, ["capacite"]))
def test_fuzz_capacity(setup, data):
    future = setup["future"]
    status = setup["client"].post(reverse("ateliers:seance_capacite", args=[future.pk]), data).status_code
    assert status in expected(data, (200, 302))
    future.refresh_from_db()
    assert future.capacite >= future.places_prises == 2


@pytest.mark.django_db
@FUZZ
@given(data=form_or_junk(FermetureForm, ["date_debut", "date_fin", "motif"]))
def test_fuzz_closures(setup, data):
    status = setup["client"].post(reverse("ateliers:fermetures"), data).status_code
    assert status in expected(data, (200, 302))


@pytest.mark.django_db
@FUZZ
@given(q=junk)
def test_fuzz_visitor_search(setup, q):
    status = setup["client"].get(reverse("ateliers:seance", args=[setup["future"].pk]), {"q": q}).status_code
    assert status in expected(q, (200,))


@pytest.mark.django_db
@FUZZ
@given(du=st.one_of(junk, st.dates().map(str)))
def test_fuzz_calendar_period(setup, du):
    status = setup["client"].get(reverse("ateliers:calendrier"), {"du": du}).status_code
    assert status in expected(du, (200,))
