"""Property-based test of the activity feed against its own OpenAPI document, on the running app
(pytest-django's live server, real PostgreSQL, real Redis for the rate limit): valid and invalid
inputs, with a valid token, never a 500, always a documented status, content type and body.

Schemathesis is driven through Hypothesis directly (``as_strategy``): its pytest plugin does not
support pytest 9 yet."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from core.roles import Role
from interop import services

from ..pilotage.test_indicators import world  # noqa: F401 — some activities to list

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def api_token(world, make_user, settings):  # noqa: F811
    settings.INTEROP_API_RATE = "100000/h"
    _client, token = services.creer_client(nom="Schemathesis", scopes=["activites"], par=make_user(Role.COORDINATEUR))
    return token


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_activity_feed_conforms_to_its_openapi(live_server, api_token, mode):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json", timeout=120)
    schema.config.generation.update(with_security_parameters=False)
    operation = schema["/api/v1/activites"]["GET"]
    calls = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        # An opaque cursor cannot be described by a schema: a schema-valid but forged one is a 400.
        excluded = [positive_data_acceptance] if "page[after]" in (case.query or {}) else []
        response = case.call_and_validate(
            base_url=live_server.url, headers={"Authorization": f"Bearer {api_token}"}, excluded_checks=excluded
        )
        calls.append(response.status_code)

    run()
    statuses = Counter(calls)  # shown when an assertion fails: which answers the feed gave
    assert calls and 500 not in calls, statuses
    if mode == GenerationMode.POSITIVE:
        assert 200 in calls, statuses
    else:
        assert 400 in calls, statuses
