"""Fuzzing of the booking and arrival forms: whatever is posted, the form refuses it with a message
or the service accepts/refuses it with BookingError/QueueError — never another exception (a 500).
Most examples go through form + service directly (fast); every 10th one through the real view."""

from datetime import timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from accueil import services
from accueil.forms import ArriveeForm, RendezVousForm
from accueil.models import Passage
from accueil.selectors import free_slots
from core.roles import Role
from tests.accueil.factories import MotifFactory, make_mediators, next_open_day, open_desk
from tests.fuzz_helpers import expected

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
nasty_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["", " ", "mdp : azerty", "1 85 05 78 006 084 36", "<script>", "A. B.", "x" * 600]),
)


@pytest.fixture
def desk(mds_a, make_user, client_for):
    open_desk(mds_a)
    mediators = make_mediators(mds_a, 2)
    motif = MotifFactory(mds=mds_a)
    return mds_a, mediators, motif, client_for(make_user(Role.ACCUEIL))


def form_data(form):
    data = {}
    for key, value in form.data.items():
        if value is None:
            continue
        data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(getattr(value, "pk", value))
    return data


def test_fuzz_arrival_form(desk):
    mds, _, motif, client = desk

    counter = {"n": 0}

    @FUZZ
    @given(
        form=from_form(
            ArriveeForm,
            form_kwargs={"mds": mds},
            motif=st.one_of(st.none(), st.just(motif.pk), st.integers(-5, 10**6)),
            prenom_ou_initiales=nasty_text,
            usager=st.one_of(st.none(), st.integers(-5, 10**6)),
        ),
        extra=st.dictionaries(
            st.sampled_from(["source", "priorites", "motif", "chercher_usager", "usager_q"]),
            st.one_of(st.text(max_size=20), st.just("usager")),
            max_size=3,
        ),
    )
    def run(form, extra):
        data = form_data(form)
        data.update(extra)
        counter["n"] += 1
        if counter["n"] % 10 == 0:
            before = Passage.objects.count()
            response = client.post(reverse("accueil:arrivee"), data)
            assert response.status_code in expected(data, (200, 302))
            assert Passage.objects.count() == before + (1 if response.status_code == 302 else 0)
            return
        bound = ArriveeForm(data, mds=mds)
        if bound.is_valid():
            try:
                services.register_arrival(
                    mds=mds,
                    motif=bound.cleaned_data["motif"],
                    usager=bound.usager,
                    prenom_ou_initiales=bound.cleaned_data["prenom_ou_initiales"],
                    priorites=bound.cleaned_data["priorites"],
                    source=bound.cleaned_data["source"],
                )
            except services.QueueError as error:
                assert error.message
        else:
            assert all(bound.errors.values())

    run()


def test_fuzz_booking_form(desk):
    mds, mediators, motif, client = desk
    day = next_open_day()
    slots = [s.debut.isoformat() for s in free_slots(mds=mds, motif=motif, start_date=day, end_date=day)]
    far = (day + timedelta(days=400)).isoformat() + "T10:00:00+01:00"

    counter = {"n": 0}

    @FUZZ
    @given(
        form=from_form(
            RendezVousForm,
            form_kwargs={"mds": mds},
            motif=st.one_of(st.just(motif.pk), st.integers(-5, 10**6), st.none()),
            mediateur=st.one_of(st.none(), st.sampled_from([m.pk for m in mediators]), st.integers(-1, 10**6)),
            debut=st.one_of(st.sampled_from(slots), st.text(max_size=40), st.just(far), st.just("2020-01-01T10:00")),
            usager=st.one_of(st.none(), st.integers(-5, 10**6)),
            prenom_ou_initiales=nasty_text,
            telephone=st.one_of(st.text(max_size=20), st.sampled_from(["06 12 34 56 78", "+33 6 00", "0000"])),
        ),
        date=st.one_of(st.just(day.isoformat()), st.text(max_size=12)),
    )
    def run(form, date):
        data = form_data(form)
        data["date"] = date
        counter["n"] += 1
        if counter["n"] % 10 == 0:
            response = client.post(reverse("accueil:rdv_nouveau"), data)
            assert response.status_code in expected(data, (200, 302))
            return
        bound = RendezVousForm(data, mds=mds)
        if bound.is_valid():
            d = bound.cleaned_data
            try:
                services.book_appointment(
                    mds=mds,
                    motif=d["motif"],
                    start=d["debut"],
                    usager=bound.usager,
                    mediateur=d["mediateur"],
                    channel=d["canal"],
                    reminder_channel=d["rappel"],
                    prenom_ou_initiales=d["prenom_ou_initiales"],
                    telephone=d["telephone"],
                )
            except services.BookingError as error:
                assert error.message
        else:
            assert all(bound.errors.values())

    run()
