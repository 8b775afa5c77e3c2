"""SMS backends: ``console`` and ``file`` for the embedded mode and tests, ``BrevoBackend`` for
production (Brevo transactional SMS API, an EU provider: https://api.brevo.com/v3/transactionalSMS/send).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from urllib import error, request

import phonenumbers

from notifications import conf

from . import PermanentError, TransientError

logger = logging.getLogger(__name__)


def international_digits(number: str) -> str:
    """'06 12 34 56 78' → '33612345678' (what Brevo expects); PermanentError if not a mobile number."""
    try:
        parsed = phonenumbers.parse(number, "FR")
    except phonenumbers.NumberParseException as exc:
        raise PermanentError("numéro invalide") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise PermanentError("numéro invalide")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164).lstrip("+")


class ConsoleBackend:
    """Prints the SMS (number masked) on stdout: the embedded mode of `make run`."""

    def send(self, *, to: str, text: str, key: str) -> str:
        masked = to[:-4] + "****" if len(to) > 4 else "****"
        sys.stdout.write(f"--- SMS to {masked} ---\n{text}\n---\n")
        sys.stdout.flush()
        return f"console-{key}"


class FileBackend:
    """Appends each SMS as one JSON line to ``NOTIFICATIONS_SMS_FILE_PATH`` (tests, demos)."""

    def send(self, *, to: str, text: str, key: str) -> str:
        path = Path(conf.get("NOTIFICATIONS_SMS_FILE_PATH"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps({"to": to, "text": text, "key": key}, ensure_ascii=False) + "\n")
        return f"file-{key}"


class BrevoBackend:
    """Brevo transactional SMS: ``POST {BREVO_API_URL}/transactionalSMS/send`` with the ``api-key``
    header and a JSON body; the answer carries ``messageId``.

    Brevo has no idempotency key for SMS: the outbox key travels as ``tag`` so that a doubtful send
    can be looked up in Brevo's logs (see docs/notifications.md, "Fenêtre de doublon")."""

    def __init__(self):
        self.base_url = conf.get("NOTIFICATIONS_BREVO_API_URL").rstrip("/")
        self.api_key = conf.get("NOTIFICATIONS_BREVO_API_KEY")
        self.sender = conf.get("NOTIFICATIONS_SMS_SENDER")
        self.timeout = conf.get("NOTIFICATIONS_PROVIDER_TIMEOUT")
        self.webhook_url = conf.get("NOTIFICATIONS_BREVO_WEBHOOK_URL")

    def send(self, *, to: str, text: str, key: str) -> str:
        body = {
            "sender": self.sender,
            "recipient": international_digits(to),
            "content": text,
            "type": "transactional",
            "tag": str(key),
            "unicodeEnabled": True,
        }
        if self.webhook_url:
            body["webUrl"] = self.webhook_url
        req = request.Request(  # noqa: S310 (URL from settings, https in production)
            f"{self.base_url}/transactionalSMS/send",
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "api-key": self.api_key,
                "accept": "application/json",
                "content-type": "application/json",
                "X-Idempotency-Key": str(key),  # ignored by Brevo today, honoured by providers that support it
            },
        )
        try:
            with request.urlopen(req, timeout=self.timeout) as response:  # noqa: S310
                payload = json.loads(response.read() or b"{}")
        except error.HTTPError as exc:
            status = exc.code
            detail = _error_code(exc)
            if status in (400, 404, 422):
                raise PermanentError(f"refus du fournisseur ({status} {detail})") from exc
            if status in (401, 403):
                # Configuration problem (bad key): keep retrying while someone fixes it.
                raise TransientError(f"authentification refusée ({status})") from exc
            raise TransientError(f"erreur du fournisseur ({status} {detail})") from exc
        except TimeoutError as exc:
            raise TransientError("délai dépassé") from exc
        except (error.URLError, ConnectionError, OSError) as exc:
            raise TransientError(f"fournisseur injoignable ({type(exc).__name__})") from exc
        except ValueError as exc:
            raise TransientError("réponse illisible du fournisseur") from exc
        message_id = payload.get("messageId")
        if message_id in (None, ""):
            raise TransientError("réponse sans messageId")
        return str(message_id)


def _error_code(exc: error.HTTPError) -> str:
    try:
        return str(json.loads(exc.read() or b"{}").get("code", ""))[:40]
    except (ValueError, OSError):
        return ""
