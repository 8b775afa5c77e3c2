"""Every page a signed-in staff member receives is marked ``no-store``; public pages are not forced."""

import pytest
from django.urls import reverse

from core.roles import Role
from tests.test_hostile_input import urls
from tests.test_isolation import collect

pytestmark = pytest.mark.django_db


def test_every_staff_response_is_no_store(mds_a, make_user, client_for):
    own_cases, _ = collect(mds_a)
    client = client_for(make_user(Role.DIRECTEUR))
    missing = []
    for url in urls(own_cases):
        response = client.get(url)
        if "no-store" not in response.get("Cache-Control", ""):
            missing.append((url, response.status_code))
    assert missing == []


def test_visitor_page_and_search_are_no_store(mds_a, make_user, client_for):
    from tests.usagers.factories import UsagerFactory

    usager = UsagerFactory(mds=mds_a)
    client = client_for(make_user(Role.MEDIATEUR))
    for url in (reverse("usagers:detail", kwargs={"pk": usager.pk}), reverse("usagers:liste") + "?q=ab"):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control
