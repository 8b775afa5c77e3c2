"""Calendar feeds: the subscription URL (out) and external busy times (in), the latter read from a
real HTTP server started by the test on 127.0.0.1."""

import datetime as dt
import http.server
import threading

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from accueil.models import Absence, Disponibilite, PlageOuverture, RendezVous
from accueil.selectors import free_slots
from core.roles import Role
from interop import calendars, services
from interop.models import AgendaExterne
from tests.accueil.factories import MotifFactory
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
PARIS = timezone.get_default_timezone()


class FeedServer:
    """A local HTTP server whose response the test changes (body and status)."""

    def __init__(self):
        self.body, self.status, self.hits = b"", 200, 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                server.hits += 1
                self.send_response(server.status)
                self.send_header("Content-Type", "text/calendar")
                self.end_headers()
                self.wfile.write(server.body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/agenda.ics"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server():
    server = FeedServer()
    yield server
    server.close()


def ics(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{k}@outlook\r\nDTSTAMP:20260101T000000Z\r\n{e}\r\nEND:VEVENT\r\n"
        for k, e in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//FR\r\n{body}END:VCALENDAR\r\n".encode()


def next_monday(now):
    day = timezone.localdate(now)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 or 7)


@pytest.fixture
def desk(mds_a, make_user):
    mediateur = make_user(Role.MEDIATEUR, mds=mds_a)
    PlageOuverture.objects.create(mds=mds_a, jour=0, debut=dt.time(9), fin=dt.time(12))
    Disponibilite.objects.create(mds=mds_a, mediateur=mediateur, jour=0, debut=dt.time(9), fin=dt.time(12))
    motif = MotifFactory(mds=mds_a, duree_minutes=60, horizon_jours=30)
    return mediateur, motif


def test_busy_times_from_a_published_calendar_block_slots(mds_a, desk, feed_server):
    mediateur, motif = desk
    monday = next_monday(timezone.now())
    stamp = monday.strftime("%Y%m%d")
    before = free_slots(mds=mds_a, motif=motif, start_date=monday, end_date=monday, mediateur=mediateur)
    assert [s.debut.astimezone(PARIS).hour for s in before] == [9, 10, 11]
    feed_server.body = ics(
        f"DTSTART;TZID=Europe/Paris:{stamp}T100000\r\nDTEND;TZID=Europe/Paris:{stamp}T110000\r\nSUMMARY:Réunion",
        f"DTSTART;TZID=Europe/Paris:{stamp}T090000\r\nDTEND;TZID=Europe/Paris:{stamp}T100000\r\nTRANSP:TRANSPARENT",
        f"DTSTART;TZID=Europe/Paris:{stamp}T110000\r\nDTEND;TZID=Europe/Paris:{stamp}T120000\r\nSTATUS:CANCELLED",
    )
    agenda = AgendaExterne.objects.create(mds=mds_a, mediateur=mediateur, url=feed_server.url)
    agenda = calendars.synchroniser(agenda_id=agenda.pk)
    assert feed_server.hits == 1 and agenda.erreur == "" and agenda.nombre_occupations == 1
    after = free_slots(mds=mds_a, motif=motif, start_date=monday, end_date=monday, mediateur=mediateur)
    assert [s.debut.astimezone(PARIS).hour for s in after] == [9, 11]

    # The calendar breaks: the last good busy times stay, the director is warned.
    feed_server.status, feed_server.body = 500, b"oops"
    agenda = calendars.synchroniser(agenda_id=agenda.pk)
    assert agenda.erreur and agenda.nombre_occupations == 1
    assert Absence.objects.filter(origine="agenda_externe").count() == 1
    feed_server.status, feed_server.body = 200, b"<html>not a calendar</html>"
    agenda = calendars.synchroniser(agenda_id=agenda.pk)
    assert "ICS" in agenda.erreur and Absence.objects.filter(origine="agenda_externe").count() == 1

    # Fixed: refreshed as a whole (the meeting moved to 9 h).
    feed_server.body = ics(f"DTSTART;TZID=Europe/Paris:{stamp}T090000\r\nDTEND;TZID=Europe/Paris:{stamp}T100000")
    agenda = calendars.synchroniser(agenda_id=agenda.pk)
    assert agenda.erreur == ""
    after = free_slots(mds=mds_a, motif=motif, start_date=monday, end_date=monday, mediateur=mediateur)
    assert [s.debut.astimezone(PARIS).hour for s in after] == [10, 11]


def test_recurring_events_and_manual_absences_untouched(mds_a, desk):
    mediateur, motif = desk
    monday = next_monday(timezone.now())
    manual = Absence.objects.create(
        mds=mds_a,
        mediateur=mediateur,
        debut=timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=14), dt.time(9))),
        fin=timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=14), dt.time(12))),
    )
    stamp = monday.strftime("%Y%m%d")
    content = ics(
        f"DTSTART;TZID=Europe/Paris:{stamp}T110000\r\nDTEND;TZID=Europe/Paris:{stamp}T120000\r\nRRULE:FREQ=WEEKLY;COUNT=3"
    ).decode()
    agenda = AgendaExterne.objects.create(mds=mds_a, mediateur=mediateur, contenu=content)
    assert calendars.synchroniser(agenda_id=agenda.pk).nombre_occupations == 3
    for week in range(2):
        day = monday + dt.timedelta(days=7 * week)
        slots = free_slots(mds=mds_a, motif=motif, start_date=day, end_date=day, mediateur=mediateur)
        assert [s.debut.astimezone(PARIS).hour for s in slots] == [9, 10]
    calendars.synchroniser(agenda_id=agenda.pk)
    assert Absence.objects.filter(pk=manual.pk).exists()
    assert Absence.objects.filter(origine="agenda_externe").count() == 3


def test_unreachable_calendar_keeps_everything(mds_a, desk):
    mediateur, _ = desk
    agenda = AgendaExterne.objects.create(mds=mds_a, mediateur=mediateur, url="http://127.0.0.1:9/none.ics")
    agenda = calendars.synchroniser(agenda_id=agenda.pk)
    assert "injoignable" in agenda.erreur and agenda.derniere_synchro is None


def test_director_home_warns_about_a_broken_calendar(mds_a, desk, make_user, client_for):
    mediateur, _ = desk
    AgendaExterne.objects.create(
        mds=mds_a, mediateur=mediateur, url="http://x.invalid/a.ics", erreur="Calendrier injoignable."
    )
    directeur = make_user(Role.DIRECTEUR, mds=mds_a)
    page = client_for(directeur).get("/").content.decode()
    assert "Calendrier injoignable." in page and reverse("interop:agendas_externes") in page
    assert "Calendrier injoignable." not in client_for(mediateur).get("/").content.decode()


def test_subscription_feed_has_appointments_and_sessions_without_names(mds_a, desk, client_for):
    mediateur, motif = desk
    usager = UsagerFactory(mds=mds_a, nom="Zébulon", prenom="Ursule")
    start = timezone.now() + dt.timedelta(days=2)
    RendezVous.objects.create(mds=mds_a, motif=motif, usager=usager, mediateur=mediateur, debut=start,
                              fin=start + dt.timedelta(minutes=30), canal="accueil")  # fmt: skip
    RendezVous.objects.create(mds=mds_a, motif=motif, mediateur=mediateur, debut=start + dt.timedelta(hours=2),
                              fin=start + dt.timedelta(hours=3), canal="accueil", statut="annule")  # fmt: skip
    SeanceFactory(atelier__mds=mds_a, mds=mds_a, animateur=mediateur, debut=start + dt.timedelta(days=1), capacite=8)
    client = client_for(mediateur)
    response = client.post(reverse("interop:creer_abonnement"))
    url = response.context["nouvelle_url"]
    feed = Client().get(url)  # no session: the calendar app
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert sorted(str(e["summary"]) for e in events) == [f"Atelier — {mds_a.nom}", f"Rendez-vous — {mds_a.nom}"]
    text = feed.content.decode()
    assert "Zébulon" not in text and usager.reference not in text and motif.libelle not in text
    # listed on « Mon compte », revocable
    page = client.get(reverse("interop:mon_compte"))
    [abonnement] = page.context["abonnements"]
    client.post(reverse("interop:revoquer_abonnement", args=[abonnement.pk]))
    assert Client().get(url).status_code == 404


def test_new_subscription_revokes_the_previous_one(mediateur):
    _a, first = services.creer_abonnement(user=mediateur)
    _b, second = services.creer_abonnement(user=mediateur)
    assert services.abonnement_pour(first) is None and services.abonnement_pour(second) is not None
    assert services.abonnement_pour("x" * 500) is None
