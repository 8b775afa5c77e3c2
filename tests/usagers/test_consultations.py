"""Every page that shows a named visitor journals it: one journal write per request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accueil.enums import SourcePassage
from accueil.services import book_appointment, register_arrival
from core.roles import Role
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.usagers.factories import UsagerFactory
from usagers.enums import OperationJournal
from usagers.models import AccesJournal

pytestmark = pytest.mark.django_db


def _consulted(user):
    return sorted(
        AccesJournal.objects.filter(acteur=user, operation=OperationJournal.CONSULTATION).values_list(
            "reference", flat=True
        )
    )


def _named(mds, user, prenom):
    from usagers.services import create_usager

    return create_usager(mds=mds, user=user, reference=f"{mds.code}-{prenom[:4].upper()}", prenom=prenom, nom="Martin")


def _journal_inserts(queries):
    return [q for q in queries if q["sql"].startswith('INSERT INTO "usagers_accesjournal"')]


def test_search_results_are_journaled_in_one_write(mds_a, mds_b, make_user, client_for):
    mediateur = make_user(Role.MEDIATEUR)
    shown = [_named(mds_a, mediateur, p) for p in ("Alice", "Bruno", "Chloé")]
    _named(mds_b, make_user(Role.MEDIATEUR, mds=mds_b), "Denis")  # another MDS: never shown nor journaled
    client = client_for(mediateur)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("usagers:liste"), {"q": "martin"})
    assert response.status_code == 200
    assert _consulted(mediateur) == sorted(u.reference for u in shown)
    assert len(_journal_inserts(queries)) == 1
    from usagers.journal import verify_chain

    assert verify_chain().ok


def test_the_same_page_again_is_not_journaled_twice_within_minutes(mds_a, make_user, client_for):
    mediateur = make_user(Role.MEDIATEUR)
    _named(mds_a, mediateur, "Alice")
    client = client_for(mediateur)
    client.get(reverse("usagers:liste"), {"q": "martin"})
    client.get(reverse("usagers:liste"), {"q": "martin"})
    assert len(_consulted(mediateur)) == 1


def test_the_visitor_page_is_journaled_once(mds_a, make_user, client_for):
    mediateur = make_user(Role.MEDIATEUR)
    usager = UsagerFactory(mds=mds_a)
    client_for(mediateur).get(reverse("usagers:detail", kwargs={"pk": usager.pk}))
    assert _consulted(mediateur) == [usager.reference]


def test_appointment_page_and_queue_are_journaled(mds_a, make_user, client_for):
    open_desk(mds_a)
    make_mediators(mds_a)
    motif = MotifFactory(mds=mds_a)
    accueil = make_user(Role.ACCUEIL)
    booked, waiting = UsagerFactory(mds=mds_a), UsagerFactory(mds=mds_a)
    rdv = book_appointment(mds=mds_a, motif=motif, start=at(next_open_day(), 10), usager=booked, channel="accueil")
    register_arrival(mds=mds_a, source=SourcePassage.VENU_DIRECTEMENT, usager=waiting, motif=motif)
    client = client_for(accueil)
    assert client.get(reverse("accueil:rdv_detail", kwargs={"pk": rdv.pk})).status_code == 200
    assert booked.reference in _consulted(accueil)
    assert client.get(reverse("accueil:file")).status_code == 200
    assert waiting.reference in _consulted(accueil)


def test_a_refused_page_journals_nothing(mds_a, mds_b, make_user, client_for):
    mediateur = make_user(Role.MEDIATEUR)
    other = UsagerFactory(mds=mds_b)
    assert client_for(mediateur).get(reverse("usagers:detail", kwargs={"pk": other.pk})).status_code == 404
    assert _consulted(mediateur) == []
