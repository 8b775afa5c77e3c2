"""« C'est votre tour » end to end: a REAL Celery worker process, the embedded Redis and
PostgreSQL, the production Brevo adapter talking to the project's fake Brevo server. The kiosk asks
for the SMS, the desk calls the ticket, the worker sends it; the number is then gone everywhere."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accueil.borne.models import AlerteTicket
from accueil.models import Passage
from accueil.services import call_passage
from core.dates import PARIS
from notifications.enums import Status
from notifications.models import Message
from tests.accueil.factories import make_mediators, open_desk
from tests.borne.factories import BorneFactory, kiosk_client
from tests.notifications import test_integration as outbox_it

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

# The worker, the fake provider and its queue, shared with the outbox's own integration tests.
fake, queue, worker, env = outbox_it.fake, outbox_it.queue, outbox_it.worker, outbox_it.env


def test_called_ticket_gets_its_sms_through_the_real_worker(env, wait_for):
    from django.core.cache import cache

    cache.delete_pattern("borne:*")
    # The kiosk and the desk work at 10:00 today (the real clock may be at night, when the MDS is
    # closed and SMS wait for the morning); the worker is told that clock by the beat emulation.
    morning = datetime.combine(timezone.now().astimezone(PARIS).date(), time(10), tzinfo=PARIS)
    if morning.weekday() >= 5:  # the shared fixture opens the desk on weekdays
        open_desk(env["mds"], days=[morning.weekday()])
        make_mediators(env["mds"], 1, days=[morning.weekday()])
    with time_machine.travel(morning, tick=True):
        kiosk = kiosk_client(BorneFactory(mds=env["mds"]))
        kiosk.post(reverse("borne:langue"), {"langue": "en"})
        kiosk.post(reverse("borne:ticket"), {"motif": "autre", "jeton": "it"})
        kiosk.get(reverse("borne:ticket_numero"))
        assert kiosk.post(reverse("borne:ticket_sms"), {"telephone": "06 12 34 56 78"}).status_code == 302
        passage = Passage.objects.get()
        call_passage(passage=passage, guichet="desk 3")
        assert not AlerteTicket.objects.exists()
    outbox_it.beat_until(
        env,
        morning + timedelta(minutes=1),
        lambda: Message.objects.filter(kind="ticket_appele", status=Status.ENVOYE).exists(),
    )
    accepted = env["fake"].accepted()
    assert len(accepted) == 1
    sent = accepted[0]
    assert "It's your turn! Ticket A-001 (desk 3)." in str(sent) and "33612345678" in str(sent)
    message = wait_for(lambda: Message.objects.filter(kind="ticket_appele", recipient="").first())
    assert message.context == {} and message.anonymised_at is not None
