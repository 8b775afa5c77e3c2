"""The kiosk credential reaches only the kiosk screens: every other URL of the project answers
403/404 to it (walker), even when a staff session is present in the same browser."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accueil.borne.decorators import kiosk_view
from core.roles import Role
from tests.borne.factories import cookie_value, kiosk_client

pytestmark = pytest.mark.django_db

DUMMY = {"int": 1, "str": "x", "slug": "x", "uuid": uuid.UUID(int=1), "path": "x"}


def all_urls(resolver=None, prefix=""):
    """(name, url, view) of every named URL pattern of the project, with dummy arguments."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from all_urls(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = prefix + entry.name
            converters = getattr(entry.pattern, "converters", {})
            kwargs = {}
            for key in entry.pattern.regex.groupindex:
                converter = converters.get(key)
                kind = type(converter).__name__.replace("Converter", "").lower() if converter else "str"
                kwargs[key] = DUMMY.get(kind, "x")
            try:
                url = reverse(name, kwargs=kwargs)
            except Exception:  # noqa: BLE001 - regex admin patterns with odd groups
                continue
            yield name, url, entry.callback


def is_kiosk(view):
    return getattr(view, "borne_kiosk", False)


def test_kiosk_only_reaches_kiosk_screens(borne_a, make_user, client_for):
    urls = list(all_urls())
    assert len(urls) > 30  # the walker really walks
    staff = client_for(make_user(Role.DIRECTEUR))  # a director's session left open on the tablet…
    staff.cookies.update(kiosk_client(borne_a).cookies)  # …plus the kiosk credential
    leaks = []
    kiosk_names = []
    for name, url, view in urls:
        if is_kiosk(view):
            kiosk_names.append(name)
            continue
        for method in ("get", "post"):
            status = getattr(staff, method)(url).status_code
            if status not in (403, 404):
                leaks.append((name, method, status))
    assert not leaks, f"Pages hors borne accessibles à la borne : {leaks}"
    assert all(name.startswith("borne:") for name in kiosk_names)
    assert "borne:gestion" not in kiosk_names
    # Unknown paths are 404, not a redirect to a login page.
    assert staff.get("/nimporte/quoi/").status_code == 404


def test_kiosk_screens_work_for_the_kiosk_and_use_its_own_mds(borne_a, borne_b):
    client = kiosk_client(borne_b)
    html = client.get(reverse("borne:accueil")).content.decode()
    assert borne_b.mds.nom in html and borne_a.mds.nom not in html


def test_kiosk_views_are_refused_without_a_device(client, mediateur, client_for):
    for c in (client, client_for(mediateur)):
        assert c.get(reverse("borne:accueil")).status_code == 403
        assert c.post(reverse("borne:avis"), {"ressenti": 3}).status_code == 403


def test_kiosk_view_marker_is_set_by_the_decorator():
    assert is_kiosk(kiosk_view(lambda request: None))


def test_stale_csrf_token_sends_the_visitor_home_quietly(borne_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.cookies.update(kiosk_client(borne_a).cookies)
    response = client.post(reverse("borne:avis"), {"ressenti": 3, "csrfmiddlewaretoken": "périmé"})
    assert response.status_code == 302 and response["Location"] == reverse("borne:accueil")


def test_cookie_value_is_signed(borne_a):
    assert cookie_value(borne_a) != f"{borne_a.pk}:{borne_a.secret}"
