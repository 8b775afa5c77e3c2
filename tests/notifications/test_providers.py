"""The production adapters against real local servers: a fake Brevo HTTP API and an SMTP server."""

import socket
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from notifications.backends import PermanentError, TransientError
from notifications.backends.email import send_email
from notifications.backends.sms import BrevoBackend
from notifications.content import email
from notifications.dispatch import dispatch_due
from notifications.enums import Channel, Status
from tests.notifications.factories import MessageFactory
from tests.notifications.kinds import Kind
from tests.notifications.test_dispatch import NOON


def test_brevo_success_returns_message_id(fake_brevo):
    message_id = BrevoBackend().send(to="06 12 34 56 78", text="Bonjour", key="k-1")
    request = fake_brevo.requests[0]
    assert message_id == str(request["messageId"])
    assert request["headers"]["api-key"] == "test-api-key"
    assert request["body"] == {
        "sender": "MDS13",
        "recipient": "33612345678",
        "content": "Bonjour",
        "type": "transactional",
        "tag": "k-1",
        "unicodeEnabled": True,
    }


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [("400", PermanentError), ("500", TransientError), ("503", TransientError), ("timeout", TransientError)],
)
def test_brevo_errors_are_classified(fake_brevo, behaviour, error):
    fake_brevo.script([behaviour])
    with pytest.raises(error):
        BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")


def test_brevo_wrong_key_is_transient(fake_brevo, settings):
    settings.NOTIFICATIONS_BREVO_API_KEY = "wrong"
    with pytest.raises(TransientError, match="401"):
        BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")


def test_brevo_unreachable_is_transient(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.NOTIFICATIONS_BREVO_API_URL = f"http://127.0.0.1:{port}/v3"
    with pytest.raises(TransientError):
        BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")


def test_invalid_number_is_permanent_before_any_call(fake_brevo):
    with pytest.raises(PermanentError):
        BrevoBackend().send(to="0000", text="Bonjour", key="k")
    assert not fake_brevo.requests


class Recorder:
    def __init__(self, refuse=None):
        self.messages = []
        self.refuse = refuse or {}
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    handler = Recorder(refuse={"inconnu@example.org": "550 No such user", "plein@example.org": "452 Mailbox full"})
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_email_reaches_a_real_smtp_server(smtp_server):
    message = MessageFactory(
        send_at=NOON, channel=Channel.EMAIL, recipient="usager@example.org", kind=Kind.RAPPEL_RDV_J2
    )
    assert dispatch_due(now=NOON).sent == 1
    message.refresh_from_db()
    assert message.status == Status.ENVOYE
    [(rcpt, received)] = smtp_server.messages
    assert rcpt == ["usager@example.org"]
    assert received["Subject"] == "MDS connectée – Rappel de votre rendez-vous"
    assert (
        received["Message-ID"] == message.provider_message_id == f"<outbox-{message.idempotency_key}@mds.example.org>"
    )
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    assert "Rappel : vous avez rendez-vous le" in text and message.mds.nom in text
    assert "https://mds.example.org/b/r/ABC123" in text
    assert '<a href="https://mds.example.org/b/r/ABC123">' in html and "<h1>Rappel de votre rendez-vous</h1>" in html


@pytest.mark.django_db
def test_smtp_refusals(smtp_server):
    rendered = email(Kind.RAPPEL_RDV_J2, "fr", {"mds_nom": "MDS"})
    args = {"subject": rendered.subject, "text": rendered.text, "html": rendered.html, "key": "k", "language": "fr"}
    with pytest.raises(PermanentError):
        send_email(to="inconnu@example.org", **args)
    with pytest.raises(TransientError):
        send_email(to="plein@example.org", **args)
    assert not smtp_server.messages


def test_smtp_down_is_transient(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with pytest.raises(TransientError):
        send_email(to="a@example.org", subject="s", text="t", html="<p>t</p>", key="k", language="fr")
