"""« Prévenez-moi par SMS quand c'est mon tour » for walk-in tickets (Django test client, real
PostgreSQL/Redis, the file SMS backend): only a French mobile number is typed; calling the ticket
sends « C'est votre tour » in the kiosk's language; the number is deleted when the ticket is
called (and wiped from the outbox row once sent), received, gone, or at the end of the day; it is
never written to the logs."""

import logging
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accueil.borne import services
from accueil.borne.models import AlerteTicket
from accueil.models import Passage
from accueil.services import call_passage, mark_left, take_in_charge
from notifications.dispatch import dispatch_due
from notifications.enums import Status
from notifications.models import Message
from tests.accueil.factories import make_mediators, open_desk

pytestmark = pytest.mark.django_db

OPEN = "2026-12-01 09:40:00+01:00"  # a Tuesday, desk open
NUMBER = "06 12 34 56 78"
E164 = "+33612345678"


@pytest.fixture(autouse=True)
def _open(mds_a):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    with time_machine.travel(OPEN, tick=True):
        yield


def take_ticket(kiosk, langue="fr"):
    if langue != "fr":
        kiosk.post(reverse("borne:langue"), {"langue": langue})
    kiosk.post(reverse("borne:ticket"), {"motif": "autre", "jeton": f"t-{langue}"})
    return kiosk.get(reverse("borne:ticket_numero"))


def ask_sms(kiosk, number=NUMBER, langue="fr"):
    page = take_ticket(kiosk, langue)
    assert reverse("borne:ticket_sms") in page.content.decode()
    return kiosk.post(reverse("borne:ticket_sms"), {"telephone": number})


def test_ask_then_called_sends_its_turn_and_forgets_the_number(kiosk, sms_file):
    response = ask_sms(kiosk)
    assert response["Location"] == reverse("borne:ticket_sms_fait")
    alerte = AlerteTicket.objects.get()
    assert (alerte.telephone, alerte.langue) == (E164, "fr")
    done = kiosk.get(reverse("borne:ticket_sms_fait")).content.decode()
    assert "Vous recevrez un SMS quand c" in done and "A-001" in done and "12 34" not in done
    assert kiosk.get(reverse("borne:ticket_sms_fait"))["Location"] == reverse("borne:accueil")  # once

    passage = Passage.objects.get()
    call_passage(passage=passage, guichet="bureau 2")
    assert not AlerteTicket.objects.exists()  # deleted at the call, not hidden
    message = Message.objects.get(kind="ticket_appele")
    assert message.recipient == E164 and message.status == Status.PLANIFIE
    dispatch_due(now=timezone.now())
    assert [m["text"] for m in sms_file()] == ["C'est votre tour ! Ticket A-001 (bureau 2). Venez à l'accueil."]
    message.refresh_from_db()
    assert message.status == Status.ENVOYE and message.recipient == "" and message.context == {}


def test_message_in_the_kiosk_language(kiosk, sms_file):
    ask_sms(kiosk, langue="ar")
    call_passage(passage=Passage.objects.get())
    dispatch_due(now=timezone.now())
    assert sms_file()[0]["text"] == "حان دورك! التذكرة A-001. يُرجى التوجه إلى الاستقبال."


@pytest.mark.parametrize("number", ["04 91 00 00 00", "+44 7700 900123", "06 12", "Samia", "samia@example.org"])
def test_only_a_french_mobile_number(kiosk, number):
    response = ask_sms(kiosk, number=number)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not AlerteTicket.objects.exists()


@pytest.mark.parametrize("finish", [take_in_charge, mark_left])
def test_received_or_gone_before_the_call_deletes_the_number(kiosk, finish):
    ask_sms(kiosk)
    finish(passage=Passage.objects.get())
    assert not AlerteTicket.objects.exists() and not Message.objects.exists()


def test_taken_in_charge_before_the_sms_left_cancels_it_and_wipes_the_number(kiosk, sms_file):
    ask_sms(kiosk)
    passage = Passage.objects.get()
    call_passage(passage=passage)
    take_in_charge(passage=passage)  # already at the desk when the dispatcher runs
    dispatch_due(now=timezone.now())
    message = Message.objects.get()
    assert sms_file() == [] and message.status == Status.ANNULE and message.recipient == ""


def test_end_of_the_day_deletes_every_number(kiosk, mds_a):
    ask_sms(kiosk)
    stuck = Message.objects.create(
        mds=mds_a, kind="ticket_appele", channel="sms", recipient=E164, send_at=timezone.now(),
        status=Status.ECHEC, object_type_id=Message.objects.model._meta.get_field("object_type")
        .related_model.objects.get_for_model(Passage).pk, object_id=Passage.objects.get().pk,
    )  # fmt: skip
    with time_machine.travel(timezone.now().replace(hour=20), tick=False):  # the evening task
        assert services.purger_alertes_ticket() == 1
    stuck.refresh_from_db()
    assert not AlerteTicket.objects.exists() and stuck.recipient == ""


def test_the_next_visitor_cannot_attach_a_number_to_the_previous_ticket(kiosk):
    take_ticket(kiosk)
    kiosk.get(reverse("borne:accueil"))  # back home (or « Terminer », or the inactivity reset)
    assert kiosk.get(reverse("borne:ticket_sms"))["Location"] == reverse("borne:accueil")
    take_ticket(kiosk)
    kiosk.post(reverse("borne:recommencer"))
    assert kiosk.post(reverse("borne:ticket_sms"), {"telephone": NUMBER})["Location"] == reverse("borne:accueil")
    assert not AlerteTicket.objects.exists()


def test_called_meanwhile_or_rate_limited(kiosk, settings):
    take_ticket(kiosk)
    call_passage(passage=Passage.objects.get())
    assert kiosk.get(reverse("borne:ticket_sms"))["Location"] == reverse("borne:accueil")
    settings.BORNE_RATE_LIMITS = {"ticket_sms": "1/h"}
    for langue, status in (("en", 302), ("ar", 429)):
        kiosk.post(reverse("borne:recommencer"))
        take_ticket(kiosk, langue)
        assert kiosk.post(reverse("borne:ticket_sms"), {"telephone": NUMBER}).status_code == status


def test_no_number_in_the_logs(kiosk, sms_file, caplog):
    caplog.set_level(logging.DEBUG)
    ask_sms(kiosk)
    call_passage(passage=Passage.objects.get())
    dispatch_due(now=timezone.now())
    assert sms_file()
    logged = " ".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert not re.search(r"6\s?12\s?34\s?56\s?78", logged)


def test_screens_in_every_language(kiosk):
    for langue in ("fr", "en", "ar"):
        take_ticket(kiosk, langue)
        html = kiosk.get(reverse("borne:ticket_sms")).content.decode()
        assert f'lang="{langue}"' in html and 'data-borne-idle="actif"' in html and "<h1" in html
        assert f"/audio/borne/{langue}/ticket_sms.ogg" in html
        kiosk.post(reverse("borne:recommencer"))
        Passage.objects.all().delete()
