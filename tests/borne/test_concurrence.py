"""≥ 20 kiosks book the last free slot at the same instant, through the real views, the real
PostgreSQL and Redis: exactly one succeeds, every other one is offered the next free slots."""

import re
import threading
from datetime import datetime, time, timedelta

import pytest
from django.db import connection
from django.urls import reverse

from accueil.borne.models import CodeReservation
from accueil.enums import CanalReservation, StatutRendezVous
from accueil.models import RendezVous
from accueil.services import book_appointment
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.borne.factories import BorneFactory, kiosk_client
from tests.factories import MDSFactory

KIOSKS = 24


@pytest.mark.django_db(transaction=True)
def test_simultaneous_kiosk_bookings_of_the_last_slot(settings):
    from django.core.cache import cache

    cache.delete_pattern("borne:*")
    settings.BORNE_RATE_LIMITS = {"reservation_ip": "1000/h"}  # all the test kiosks share 127.0.0.1
    mds = MDSFactory(code="CONC")
    open_desk(mds, ranges=((time(9), time(10)),))  # two 30-minute slots a day, one mediator
    make_mediators(mds, 1, ranges=((time(9), time(10)),))
    motif = MotifFactory(mds=mds, reservable_borne=True, horizon_jours=30)
    day = next_open_day()
    book_appointment(mds=mds, motif=motif, start=at(day, 9), channel=CanalReservation.ACCUEIL)
    last = at(day, 9, 30)  # the last free slot of that day

    clients = []
    for i in range(KIOSKS):
        client = kiosk_client(BorneFactory(mds=mds))
        client.post(reverse("borne:rdv"), {"motif": motif.pk})
        client.post(reverse("borne:rdv_jour"), {"jour": day.isoformat()})
        page = client.get(reverse("borne:rdv_heure")).content.decode()
        offered = re.findall(r'name="debut" value="([^"]+)"', page)
        assert [datetime.fromisoformat(o) for o in offered] == [last]
        client.post(reverse("borne:rdv_heure"), {"debut": offered[0]})
        client.post(reverse("borne:rdv_prenom"), {"prenom": f"Personne {chr(65 + i)}"})
        clients.append(client)

    barrier = threading.Barrier(KIOSKS)
    outcomes = [None] * KIOSKS

    def tap_no_thanks(i):
        try:
            barrier.wait(timeout=30)
            response = clients[i].post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": f"j{i}"})
            outcomes[i] = response.status_code, response.get("Location")
        except Exception as error:  # noqa: BLE001 - reported below
            outcomes[i] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=tap_no_thanks, args=(i,)) for i in range(KIOSKS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(90)

    won = [i for i, o in enumerate(outcomes) if o == (302, reverse("borne:rdv_confirmation"))]
    offered_next = [i for i, o in enumerate(outcomes) if o == (302, reverse("borne:rdv_heure"))]
    assert len(won) == 1, outcomes
    assert len(offered_next) == KIOSKS - 1, outcomes
    booked = RendezVous.objects.filter(mds=mds, debut=last, statut=StatutRendezVous.A_VENIR)
    assert booked.count() == 1 and booked.get().canal == CanalReservation.BORNE
    assert CodeReservation.objects.filter(rendez_vous__mds=mds).count() == 1

    # Every other kiosk now sees "just taken" and the next free slots (after the lost one).
    for i in offered_next:
        page = clients[i].get(reverse("borne:rdv_heure")).content.decode()
        assert "vient d'être prise" in page
        offered = [datetime.fromisoformat(o) for o in re.findall(r'name="debut" value="([^"]+)"', page)]
        assert offered and all(o > last for o in offered)
        assert offered[0] - last < timedelta(days=7)

    # One of them takes the first offered slot in one tap (name and reminder were already given).
    loser = clients[offered_next[0]]
    page = loser.get(reverse("borne:rdv_heure")).content.decode()
    first = re.search(r'name="debut" value="([^"]+)"', page).group(1)
    response = loser.post(reverse("borne:rdv_heure"), {"debut": first, "jeton": "again"})
    assert response["Location"] == reverse("borne:rdv_confirmation")
    assert RendezVous.objects.filter(mds=mds, canal=CanalReservation.BORNE).count() == 2
