"""« Déplacer » on the phone page of the signed link (slip QR code, reminder SMS): another free slot
of the same motif, same rules as a booking (accueil.services.reschedule_appointment), the old slot
freed, the new time shown in the booking's language; refused when it cannot be moved there."""

import html as htmllib
import re
from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse

from accueil.borne import services, tokens
from accueil.enums import ActionHistorique, CanalReservation, StatutRendezVous
from accueil.models import RendezVous
from accueil.services import book_appointment
from core.dates import PARIS
from tests.accueil.factories import MotifFactory, make_mediators, open_desk

pytestmark = pytest.mark.django_db

OPEN = "2026-12-01 09:40:00+01:00"  # a Tuesday, desk open 9:00-12:00 and 13:30-17:00


@pytest.fixture(autouse=True)
def _open():
    with time_machine.travel(OPEN, tick=True):
        yield


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    return MotifFactory(mds=mds_a, libelle="Créer une adresse e-mail", reservable_borne=True)


def local(day, hour, minute=0):
    return datetime.combine(datetime.fromisoformat(day).date(), time(hour, minute), tzinfo=PARIS)


@pytest.fixture
def rdv(borne_a, desk):
    rdv, _code = services.reserver(
        borne=borne_a, motif=desk, debut=local("2026-12-02", 10, 30), prenom_ou_initiales="Samia", langue="ar"
    )
    return rdv


def url(rdv, name="borne:deplacer"):
    return reverse(name, kwargs={"jeton": tokens.jeton_annulation(rdv)})


def text(response):
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def test_move_to_another_free_slot(client, rdv, desk):
    page = client.get(url(rdv, "borne:annulation"))
    assert f'href="{url(rdv)}"' in page.content.decode() and "تغيير الموعد" in text(page)  # « Déplacer », in Arabic
    days = client.get(url(rdv))
    assert days["Content-Language"] == "ar" and "يُرجى اختيار يوم جديد" in text(days)
    jours = re.findall(r'href="\?jour=([0-9-]+)"', days.content.decode())
    assert jours and jours[0] == "2026-12-01"
    times = client.get(url(rdv) + "?jour=2026-12-03").content.decode()
    offered = re.findall(r'name="debut" value="([^"]+)"', times)
    assert offered and all(o.startswith("2026-12-03") for o in offered)
    new = client.post(url(rdv), {"debut": offered[1]})
    assert new.status_code == 200 and 'data-etat="deplace"' in new.content.decode()
    assert "تم تغيير موعدك." in text(new) and url(rdv, "borne:annulation_ics") in new.content.decode()
    rdv.refresh_from_db()
    assert rdv.debut == datetime.fromisoformat(offered[1]) and rdv.statut == StatutRendezVous.A_VENIR
    assert rdv.historique.filter(action=ActionHistorique.DEPLACEMENT).count() == 1
    # The old slot is free again: someone else can book it.
    old = local("2026-12-02", 10, 30)
    other = book_appointment(mds=rdv.mds, motif=desk, start=old, channel=CanalReservation.ACCUEIL)
    assert other.pk != rdv.pk
    # The calendar file follows the new time; the same signed link still works (expires at the new end).
    ics = client.get(url(rdv, "borne:annulation_ics")).content.decode()
    assert f"DTSTART:{rdv.debut.astimezone(UTC):%Y%m%dT%H%M%SZ}" in ics


def test_current_time_is_not_offered_and_a_taken_time_offers_the_next(client, rdv, desk):
    page = client.get(url(rdv) + "?jour=2026-12-02").content.decode()
    assert rdv.debut.isoformat() not in page
    target = local("2026-12-02", 11)
    book_appointment(mds=rdv.mds, motif=desk, start=target, channel=CanalReservation.ACCUEIL)  # taken meanwhile
    response = client.post(url(rdv), {"debut": target.isoformat()})
    html = response.content.decode()
    assert 'role="alert"' in html and 'data-etat="deplace"' not in html
    assert re.findall(r'name="debut" value="([^"]+)"', html)  # the next free times
    rdv.refresh_from_db()
    assert rdv.debut == local("2026-12-02", 10, 30)


@pytest.mark.parametrize("value", ["2026-12-02T10:45:00", "2026-12-02T03:00:00+01:00", "demain", ""])
def test_only_a_free_slot_is_accepted(client, rdv, value):
    response = client.post(url(rdv), {"debut": value})
    assert 'data-etat="deplace"' not in response.content.decode()
    rdv.refresh_from_db()
    assert rdv.debut == local("2026-12-02", 10, 30)


def test_not_movable_here(client, rdv, desk, mds_a):
    mediator = mds_a.memberships.first().user
    RendezVous.objects.filter(pk=rdv.pk).update(mediateur=mediator)  # the desk chose a mediator
    assert client.get(url(rdv))["Location"] == url(rdv, "borne:annulation")
    assert f'href="{url(rdv)}"' not in client.get(url(rdv, "borne:annulation")).content.decode()
    RendezVous.objects.filter(pk=rdv.pk).update(mediateur=None, statut=StatutRendezVous.EXCUSE)
    assert client.get(url(rdv))["Location"] == url(rdv, "borne:annulation")
    assert client.post(url(rdv), {"debut": local("2026-12-03", 10).isoformat()}).status_code == 302
    rdv.refresh_from_db()
    assert rdv.debut == local("2026-12-02", 10, 30)


def test_forged_link_and_rate_limit(client, rdv, settings):
    forged = reverse("borne:deplacer", kwargs={"jeton": tokens.jeton_annulation(rdv)[:-1] + "x"})
    assert client.get(forged).status_code == 404
    settings.BORNE_RATE_LIMITS = {"deplacement_ip": "1/h"}
    client.post(url(rdv), {"debut": "x"})
    assert client.post(url(rdv), {"debut": "x"}).status_code == 429
