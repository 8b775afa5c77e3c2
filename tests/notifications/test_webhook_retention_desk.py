import json
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from notifications.enums import Delivery, Status
from notifications.models import Message
from notifications.retention import anonymize_for_usager, anonymize_old_messages, export_for_usager
from notifications.selectors import history_context
from tests.notifications.factories import MessageFactory
from tests.notifications.kinds import Kind
from usagers import hooks

pytestmark = pytest.mark.django_db
URL = "/notifications/webhook/sms/"


@pytest.fixture
def secret(settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = "s3cret-partage"
    return "s3cret-partage"


def post(payload, **headers):
    return Client().post(URL, data=json.dumps(payload), content_type="application/json", **headers)


def test_url_name():
    assert reverse("notifications:webhook_sms") == URL


def test_delivery_receipt_updates_the_row(secret):
    message = MessageFactory(status=Status.ENVOYE, provider_message_id="1511882900176220")
    other = MessageFactory(
        status=Status.ENVOYE, provider_message_id="42", usager=message.usager, kind=Kind.RAPPEL_RDV_J2
    )
    response = post(
        {"messageId": 1511882900176220, "event": "delivered", "to": "33612345678"}, HTTP_X_WEBHOOK_SECRET=secret
    )
    assert response.status_code == 200 and response.json() == {"updated": 1}
    message.refresh_from_db()
    assert message.delivery == Delivery.LIVRE and message.delivered_at
    response = post({"messageId": "42", "msg_status": "hardBounce"}, HTTP_AUTHORIZATION=f"Bearer {secret}")
    other.refresh_from_db()
    assert other.delivery == Delivery.NON_LIVRE and response.json() == {"updated": 1}
    # The phone number of the report is not stored anywhere.
    assert not Message.objects.filter(recipient="33612345678").exists()


@pytest.mark.parametrize("headers", [{}, {"HTTP_X_WEBHOOK_SECRET": "faux"}, {"HTTP_AUTHORIZATION": "Bearer faux"}])
def test_webhook_refuses_without_the_secret(secret, headers):
    message = MessageFactory(status=Status.ENVOYE, provider_message_id="7")
    assert post({"messageId": 7, "event": "delivered"}, **headers).status_code == 403
    message.refresh_from_db()
    assert message.delivery == Delivery.INCONNU


def test_webhook_disabled_without_configured_secret(settings):
    settings.NOTIFICATIONS_WEBHOOK_SECRET = ""
    assert post({"messageId": 7}, HTTP_X_WEBHOOK_SECRET="").status_code == 404
    assert Client().get(URL).status_code == 405


def test_webhook_bad_json(secret):
    response = Client().post(URL, data="{", content_type="application/json", HTTP_X_WEBHOOK_SECRET=secret)
    assert response.status_code == 400


def test_retention_anonymizes_after_six_months():
    now = timezone.now()
    old = MessageFactory(send_at=now - timedelta(days=200), status=Status.ENVOYE, provider_message_id="9")
    old_planned = MessageFactory(send_at=now - timedelta(days=200), usager=old.usager, kind=Kind.RAPPEL_RDV_J2)
    recent = MessageFactory(send_at=now - timedelta(days=100), status=Status.ENVOYE, kind=Kind.RAPPEL_RDV_JOUR)
    assert anonymize_old_messages(now=now) == 1
    old.refresh_from_db(), old_planned.refresh_from_db(), recent.refresh_from_db()
    assert (old.recipient, old.context, old.provider_message_id) == ("", {}, "") and old.anonymised_at
    assert old.status == Status.ENVOYE and old.kind == Kind.CONFIRMATION_RDV  # statistics kept
    assert old_planned.recipient and recent.recipient
    assert anonymize_old_messages(now=now) == 0  # idempotent


def test_periodic_tasks_declared():
    from notifications.tasks import PERIODIC_TASKS

    assert {t["task"] for t in PERIODIC_TASKS} == {
        "notifications.tasks.dispatch",
        "notifications.tasks.anonymize_old_messages",
    }
    assert next(t for t in PERIODIC_TASKS if t["name"] == "notifications.dispatch")["every"] == 60


def test_usager_hooks_registered_and_work():
    assert anonymize_for_usager in hooks.anonymizers and export_for_usager in hooks.exporters
    section = next(s for s in hooks.history_sections if s.template_name == "notifications/_historique.html")
    message = MessageFactory(status=Status.ECHEC, last_error="refus du fournisseur (400 invalid_parameter)")
    MessageFactory(status=Status.ENVOYE, usager=message.usager, kind=Kind.RAPPEL_RDV_J2, sent_at=timezone.now())
    html = render_to_string(section.template_name, section.get_context(None, message.usager))
    assert "Échec" in html and "appeler la personne" in html and "Envoyé" in html
    assert "<caption>Messages envoyés à la personne</caption>" in html
    title, data = export_for_usager(message.usager)
    assert len(data) == 2 and data[0]["destinataire"] == "+33612345678"
    anonymize_for_usager(message.usager)
    assert set(Message.objects.values_list("recipient", flat=True)) == {""}


def test_history_context_is_bounded(django_assert_max_num_queries):
    message = MessageFactory()
    for kind in Kind.values[1:]:
        MessageFactory(usager=message.usager, kind=kind, status=Status.ENVOYE)
    with django_assert_max_num_queries(2):
        html = render_to_string("notifications/_historique.html", history_context(None, message.usager))
    assert html.count("<tr>") == len(Kind.values) + 1


def test_empty_history():
    message = MessageFactory()
    Message.objects.all().delete()
    html = render_to_string("notifications/_historique.html", history_context(None, message.usager))
    assert "Aucun message envoyé." in html


def test_beat_schedule_written_by_sync():
    from django_celery_beat.models import PeriodicTask

    from core.periodic import sync

    sync()
    task = PeriodicTask.objects.get(name="notifications.dispatch")
    assert task.task == "notifications.tasks.dispatch" and task.interval.every == 60 and task.enabled
    assert PeriodicTask.objects.get(name="notifications.retention").crontab.hour == "3"


def test_delivery_stats_for_dashboards(mds_b):
    from notifications.selectors import delivery_stats

    first = MessageFactory(status=Status.ENVOYE, delivery=Delivery.LIVRE)
    MessageFactory(status=Status.ENVOYE, usager=first.usager, kind=Kind.RAPPEL_RDV_J2)
    MessageFactory(status=Status.ECHEC, usager=first.usager, kind=Kind.RAPPEL_RDV_JOUR)
    MessageFactory(status=Status.PLANIFIE, usager=first.usager, kind=Kind.ANNULATION_RDV)
    stats = delivery_stats(mds=first.mds)
    assert stats == {
        "envoyes": 2,
        "echecs": 1,
        "annules": 0,
        "planifies": 1,
        "remis": 1,
        "non_remis": 0,
        "taux_envoi": 0.667,
    }
    assert delivery_stats(mds=mds_b)["taux_envoi"] is None
