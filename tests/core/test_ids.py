"""Identifiers read from a request: ``core.input_guard.is_id`` accepts only what can be a bigint key."""

import pytest
from django.urls import reverse

from core.input_guard import is_id
from core.roles import Role


@pytest.mark.parametrize("value", ["1", "42", "000123", "9" * 18])
def test_plain_ascii_numbers_are_ids(value):
    assert is_id(value)


@pytest.mark.parametrize("value", ["", "²", "1²", "٣", "१२", "１２", "-1", "1.0", " 1", "1 ", "9" * 19, None, 12])
def test_unicode_digits_signs_spaces_and_overflow_are_not(value):
    assert not is_id(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "٣", "9" * 25])
def test_a_hostile_id_in_a_form_is_a_message_not_a_500(value, make_user, client_for, mds_a):
    from tests.ateliers.factories import SeanceFactory

    seance = SeanceFactory(mds=mds_a)
    client = client_for(make_user(Role.MEDIATEUR))
    response = client.post(reverse("ateliers:seance_inscrire", kwargs={"pk": seance.pk}), {"usager": value})
    assert response.status_code == 302  # back to the séance with « Choisissez un usager dans la liste. »
