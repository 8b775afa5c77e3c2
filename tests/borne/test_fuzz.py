"""Fuzzing the kiosk forms: whatever is typed, no crash, and what is kept is harmless."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from accueil.borne.forms import CodeForm, PrenomForm, TelephoneForm

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(form=from_form(PrenomForm))
def test_prenom_form_keeps_only_a_short_name(form):
    if form.is_valid():
        value = form.cleaned_data["prenom"]
        assert 0 < len(value) <= 40
        assert not any(ch.isdigit() for ch in value) and "@" not in value


@FUZZ
@given(text=st.text(max_size=30))
def test_telephone_form_never_crashes_and_keeps_e164_mobiles(text):
    form = TelephoneForm({"telephone": text})
    if form.is_valid():
        value = form.cleaned_data["telephone"]
        assert value.startswith("+") and value[1:].isdigit()


@FUZZ
@given(form=from_form(CodeForm))
def test_code_form_never_crashes(form):
    form.is_valid()


@pytest.mark.parametrize("number", ["06 12 34 56 78", "+33 7 81 23 45 67", "0033612345678"])
def test_french_mobile_numbers_are_accepted(number):
    assert TelephoneForm({"telephone": number}).is_valid()
