"""The messages section of an appointment page in a real browser (axe clean)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accueil.enums import CanalRappel, CanalReservation
from accueil.services import book_appointment
from core.dates import PARIS
from notifications.dispatch import dispatch_due
from notifications.enums import Status
from notifications.models import Message
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk
from tests.notifications.kinds import Kind
from tests.usagers.factories import UsagerFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_appointment_messages_are_visible_and_accessible(page, login, axe, mds_a, mediateur, settings, tmp_path):
    settings.NOTIFICATIONS_SMS_BACKEND = "notifications.backends.sms.FileBackend"
    settings.NOTIFICATIONS_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    rdv = book_appointment(
        mds=mds_a,
        motif=MotifFactory(mds=mds_a),
        start=at(next_open_day(min_days=6), 14),
        usager=UsagerFactory(mds=mds_a, canal_contact="sms", telephone="+33612345678"),
        channel=CanalReservation.ACCUEIL,
        reminder_channel=CanalRappel.SMS,
    )
    noon = (timezone.now() + timedelta(days=1)).astimezone(PARIS).replace(hour=12, minute=0, second=0, microsecond=0)
    dispatch_due(now=noon)
    Message.objects.for_object(rdv).filter(kind=Kind.RAPPEL_RDV_J2).update(status=Status.ECHEC, last_error="délai")
    login(page, mediateur)
    page.goto(f"/accueil/rendez-vous/{rdv.pk}/")
    section = page.get_by_role("heading", name="Messages à la personne (SMS et e-mails)")
    section.wait_for()
    table = page.get_by_role("table", name="Messages planifiés et envoyés")
    assert "Confirmation de rendez-vous" in table.inner_text() and "Échec" in table.inner_text()
    axe(page, "notifications-rdv-messages")
    assert page.third_party_requests == []
