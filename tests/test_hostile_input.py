"""Hostile input never gives a 500: every URL of the project is requested with hostile query and
form values (NUL bytes, invalid UTF-8, 1 MB strings, negative and huge integers, Unicode digits, years 1 and 9999,
wrong types), anonymously and as staff of several roles. Each answer must be a page, a redirect,
400, 403, 404, 405 or 429 — never a server error.

URL kwargs come from the isolation cases (``tests/<app>/isolation.py``) built for the user's own MDS,
so object pages are really reached. Parameter names are every field of every project form and every
name the views read from ``request.GET``/``request.POST`` (found in the source), so a new parameter
is walked without editing this file."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.roles import Role
from tests.core.test_free_text_fields import project_forms
from tests.test_isolation import OUR_NAMESPACES, collect

pytestmark = pytest.mark.django_db

MB = "x" * (1024 * 1024)
# (name, value for every parameter); raw query strings are sent as they are (invalid UTF-8).
HOSTILE = [
    ("nul", "a\x00b"),
    ("invalid-utf8", b"%ff%fe%c3%28".decode()),
    ("1MB", MB),
    ("negative", "-1"),
    ("huge", "99999999999999999999999999"),
    ("unicode-digits", "²٣"),  # digits to str.isdigit, not to int()
    ("year-1", "0001-01-01"),
    ("year-9999", "9999-12-31"),
    ("wrong-type", ["[]", "{'a': 1}"]),
]
ALLOWED = {200, 201, 204, 301, 302, 303, 304, 400, 403, 404, 405, 409, 410, 413, 414, 429}
# allauth pages that take a key in the path: a garbage key must also give a clean answer.
KEYED = {"account_confirm_email": {"key": "garbage"}, "account_reset_password_from_key": {"uidb36": "zz", "key": "x"}}


GET_NAME_RE = re.compile(r"request\.GET(?:\.get|\.getlist)?\(?\[?\s*[\"'](\w+)[\"']")


def get_parameter_names() -> list[str]:
    """Names the views read from the query string (a query string over 4 KB is refused as a whole)."""
    names = set()
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" not in path.parts and "tests" not in path.parts:
            names.update(GET_NAME_RE.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def parameter_names() -> list[str]:
    names = set()
    for form_class in project_forms():
        names.update(form_class.base_fields)
    pattern = re.compile(r"request\.(?:GET|POST)(?:\.get|\.getlist|\.__getitem__)?\(?\[?\s*[\"'](\w+)[\"']")
    for path in Path(settings.BASE_DIR).glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def url_names(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from url_names(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            if namespace in OUR_NAMESPACES:
                yield f"{namespace}:{entry.name}", bool(entry.pattern.regex.groupindex)
            elif namespace is None:
                yield entry.name, bool(entry.pattern.regex.groupindex)


def urls(own_cases) -> list[str]:
    found = []
    for name, has_kwargs in sorted(set(url_names())):
        if not has_kwargs:
            found.append(reverse(name))
        elif name in own_cases:
            found.append(reverse(name, kwargs=own_cases[name]))
        elif name in KEYED:
            found.append(reverse(name, kwargs=KEYED[name]))
    found.append("/admin/")
    return found


def hostile_client(user=None) -> Client:
    """A client that returns 500 responses instead of raising; MFA roles have passed the TOTP step."""
    from tests.auth_helpers import login_client

    client = Client(raise_request_exception=False)
    return login_client(client, user) if user is not None else client


GET_NAMES: list[str] = []


def walk(client, targets, names, variants, user=None):
    from tests.auth_helpers import login_client

    failures, requests, pages = [], 0, 0
    for url in targets:
        if user is not None and "_auth_user_id" not in client.session:
            login_client(client, user)  # a walked URL (logout…) ended the session: the next URL is walked signed in
        for variant, value in HOSTILE:
            if variant not in variants:
                continue
            if variant == "invalid-utf8":
                query = "&".join(f"{name}=%ff%fe%c3%28" for name in GET_NAMES)
                responses = [("get", client.get(f"{url}?{query}")), ("post", client.post(f"{url}?{query}"))]
            else:
                get_value = value if variant != "1MB" else "x" * 100  # a URL is never 1 MB long
                data = dict.fromkeys(names, value)
                if variant == "1MB":  # 1 MB in the free-text fields, long text elsewhere (body < 2.5 MB)
                    data = {name: MB if name in ("q", "note") else "x" * 5_000 for name in names}
                responses = [
                    ("get", client.get(url, dict.fromkeys(names, get_value))),
                    ("post", client.post(url, data)),
                ]
            for method, response in responses:
                requests += 1
                pages += response.status_code == 200
                # /healthz/ready says 503 while no worker or beat runs (this test starts neither).
                readiness_down = url == "/healthz/ready" and response.status_code == 503
                if response.status_code not in ALLOWED and not readiness_down:
                    failures.append((url, method, variant, response.status_code))
    return failures, requests, pages


@pytest.mark.timeout(600)
def test_every_url_answers_hostile_input_without_a_server_error(mds_a, make_user):
    started = time.monotonic()
    own_cases, _exempt = collect(mds_a)
    targets = urls(own_cases)
    names = parameter_names()
    GET_NAMES[:] = get_parameter_names()
    assert len(targets) > 100 and len(names) > 40  # the walk really covers the project
    everything = {variant for variant, _ in HOSTILE}
    users = [make_user(Role.DIRECTEUR), make_user(Role.MEDIATEUR), make_user(Role.ACCUEIL)]
    users.append(make_user(Role.COORDINATEUR, mds=None))
    sessions = [  # every hostile value for the widest role; the most common ones for the others
        (users[0], everything),
        (users[1], {"nul", "huge", "year-9999", "unicode-digits"}),  # the desk's forms (ateliers, mediation)
        (users[2], {"nul"}),
        (users[3], {"year-1"}),
        (None, {"nul"}),
    ]
    failures, total, reached = [], 0, []
    for index, (user, variants) in enumerate(sessions):
        found, requests, pages = walk(hostile_client(user), targets, names, variants, user=user)
        failures += found
        total += requests
        reached.append((pages, requests))
        print(f"session {index}: {pages} pages (200) out of {requests} requests")
    elapsed = time.monotonic() - started
    print(f"\nhostile walk: {len(targets)} URLs, {len(names)} parameters, {total} requests, {elapsed:.0f} s")
    assert failures == [], f"Server errors on hostile input: {failures}"
    # The directeur's walk really reaches the pages, not only redirects to a login or TOTP step (many
    # hostile requests rightly get a 400, and a POST a redirect: about 1 in 5 answers 200).
    pages, requests = reached[0]
    assert pages > requests // 10, f"only {pages} pages answered 200 out of {requests} requests"


def test_nul_byte_gets_a_400_with_a_french_message(mds_a, make_user):
    client = hostile_client(make_user(Role.MEDIATEUR))
    response = client.get(reverse("usagers:liste"), {"q": "ab\x00c"})
    assert response.status_code == 400
    assert "caractère invalide" in response.content.decode()
