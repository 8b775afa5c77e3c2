"""Per-MDS isolation walker: every URL of our apps that takes an object id is requested by staff
of MDS A for an object of MDS B, and must answer 403 or 404 (GET and POST).

Each app declares its cases in ``tests/<app>/isolation.py``::

    def cases(mds_b):
        # url name -> URL kwargs pointing at objects that belong to mds_b
        return {"usagers:detail": {"pk": UsagerFactory(mds=mds_b).pk}}

    EXEMPT = {"app:name": "why this URL needs no case"}

A URL with parameters that has neither a case nor an exemption fails the test, so the walker grows
with every feature."""

import importlib

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.roles import Role

OUR_NAMESPACES = {
    "core",
    "usagers",
    "accueil",
    "mediation",
    "ateliers",
    "pilotage",
    "notifications",
    "borne",
    "interop",
}
APPS = ["core", "usagers", "notifications", "accueil", "borne", "mediation", "ateliers", "pilotage", "interop"]
# Staff of MDS A who could reach these screens for their own MDS.
ROLES = [Role.MEDIATEUR, Role.TUTEUR, Role.ACCUEIL, Role.TRAVAILLEUR_SOCIAL, Role.DIRECTEUR]


def walk(resolver=None, namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            yield from walk(entry, ns)
        elif isinstance(entry, URLPattern) and namespace in OUR_NAMESPACES and entry.name:
            if entry.pattern.regex.groupindex:
                yield f"{namespace}:{entry.name}"


def collect(mds_b):
    cases, exempt = {}, {}
    for app in APPS:
        try:
            module = importlib.import_module(f"tests.{app}.isolation")
        except ModuleNotFoundError as error:
            if error.name not in (f"tests.{app}", f"tests.{app}.isolation"):
                raise
            continue
        cases.update(module.cases(mds_b))
        exempt.update(getattr(module, "EXEMPT", {}))
    return cases, exempt


@pytest.mark.django_db
def test_every_object_url_of_another_mds_is_refused(mds_a, mds_b, make_user, client_for):
    cases, exempt = collect(mds_b)
    names = sorted(set(walk()))
    missing = [n for n in names if n not in cases and n not in exempt]
    assert not missing, f"URL sans cas d'isolation (ajoutez-les dans tests/<app>/isolation.py) : {missing}"
    clients = [client_for(make_user(role, mds=mds_a)) for role in ROLES]
    leaks = []
    for name, kwargs in cases.items():
        url = reverse(name, kwargs=kwargs)
        for client in clients:
            for method in ("get", "post"):
                status = getattr(client, method)(url).status_code
                if status not in (403, 404, 405):
                    leaks.append((name, method, status))
    assert not leaks, f"Objets d'une autre MDS accessibles : {leaks}"
