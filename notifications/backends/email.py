"""E-mail goes through Django's e-mail backends (SMTP in production, console in the embedded mode)."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from notifications import conf

from . import PermanentError, TransientError


def send_email(*, to: str, subject: str, text: str, html: str, key: str, language: str) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "mds.local"
    message_id = f"<outbox-{key}@{domain}>"
    message = EmailMultiAlternatives(
        subject=f"{settings.MDS_SITE_NAME} – {subject}",
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, "Content-Language": language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    try:
        with get_connection(fail_silently=False, timeout=conf.get("NOTIFICATIONS_PROVIDER_TIMEOUT")) as connection:
            connection.send_messages([message])
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        if codes and all(400 <= code < 500 for code in codes):
            raise TransientError("destinataire refusé temporairement") from exc
        raise PermanentError("adresse refusée") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:
            raise PermanentError(f"refus du serveur de messagerie ({exc.smtp_code})") from exc
        raise TransientError(f"erreur du serveur de messagerie ({exc.smtp_code})") from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"serveur de messagerie injoignable ({type(exc).__name__})") from exc
    return message_id
