"""No input makes the create or edit screens fail: hypothesis generates form data (from_form), the
test client posts it, and the answer is a redirect (saved) or the form with French errors."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from tests.fuzz_helpers import expected
from tests.usagers.factories import UsagerFactory
from usagers.enums import Equipement
from usagers.forms import UsagerForm
from usagers.models import Usager

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

phones = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"0[1-9]( ?\d\d){4}", fullmatch=True),
    st.from_regex(r"\+33 ?[67]( ?\d\d){4}", fullmatch=True),
)
field_strategies = {
    "telephone": phones,
    "equipements": st.lists(st.sampled_from(Equipement.values), unique=True, max_size=4),
    "internet_domicile": st.sampled_from(["", "oui", "non", "peut-être"]),
    "reference": st.one_of(st.text(max_size=20), st.from_regex(r"AAA-[A-Z0-9]{4}", fullmatch=True)),
    "note": st.one_of(st.text(max_size=600), st.sampled_from(["mdp : Soleil2024!", "Revient jeudi."])),
    "commune_insee": st.one_of(st.text(max_size=8), st.from_regex(r"13\d{3}", fullmatch=True)),
}


def as_post_data(form):
    data = {}
    for name, value in form.data.items():
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
    return data


def _check(response, data):
    assert response.status_code in expected(data, (200, 302)), response.status_code
    if response.status_code == 200:
        assert response.context["form"].errors or response.context["duplicates"]


@pytest.mark.django_db
def test_fuzz_create_form(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    url = reverse("usagers:nouveau")

    @FUZZ
    @given(from_form(UsagerForm, form_kwargs={"mds": mds_a}, **field_strategies))
    def run(form):
        data = as_post_data(form)
        _check(client.post(url, data), data)

    run()
    for usager in Usager.objects.all():
        usager.full_clean()


@pytest.mark.django_db
def test_fuzz_edit_form(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    usager = UsagerFactory(mds=mds_a)
    url = reverse("usagers:modifier", kwargs={"pk": usager.pk})

    @FUZZ
    @given(from_form(UsagerForm, form_kwargs={"mds": mds_a}, **field_strategies))
    def run(form):
        data = as_post_data(form)
        _check(client.post(url, data), data)

    run()
    usager.refresh_from_db()
    usager.full_clean()
