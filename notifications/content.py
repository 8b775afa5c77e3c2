"""What the visitor reads: the texts each app declared for its kinds (``registry``) in fr, en and ar,
rendered at send time.

Content rules (domain brief §8): date, time, place (MDS name and address) and how to cancel —
never the motif, the organisme, the démarche nor the word "social". The context a service may pass
is therefore a closed list of keys (``ALLOWED_CONTEXT``); anything else is refused when the message
is scheduled, and a rendered text containing a forbidden word is refused when it is sent.

SMS budget (tested for every kind and language with maximum-length MDS names and addresses):
French and English ≤ 2 segments (GSM-7, 306 characters), Arabic ≤ 4 segments (UCS-2, 268
characters); a kind with a free text (the récapitulatif), up to ``RECAP_MAX`` characters, ≤ 3 / 5.
To hold it, the SMS shortens the MDS name and address (``SMS_NAME_MAX``, ``SMS_ADDRESS_MAX``)
and spells Latin-script texts in GSM-7 (ê → e).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.dateparse import parse_datetime

from core.dates import PARIS

from .registry import get_kind
from .sms import gsm_fold

LANGUAGES = ("fr", "en", "ar")
ALLOWED_CONTEXT = frozenset({"debut", "mds_nom", "mds_adresse", "mds_telephone", "lien", "texte", "ticket", "guichet"})
FORBIDDEN_WORDS = re.compile(r"social|motif|organisme|d[ée]marche|اجتماع", re.IGNORECASE)
# Longest MDS name / address an SMS carries (UCS-2 Arabic SMS hold fewer characters per part).
SMS_NAME_MAX = {"fr": 60, "en": 60, "ar": 40}
SMS_ADDRESS_MAX = {"fr": 70, "en": 70, "ar": 50}
LINK_MAX = 60  # the kiosk's signed links are shorter; budget computed with this length
RECAP_MAX = 160

BUDGET = {  # maximum SMS segments per language (kinds with a free text, e.g. the récapitulatif: second value)
    "fr": (2, 3),
    "en": (2, 3),
    "ar": (4, 5),
}

DAYS = {
    "fr": ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"],
    "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "ar": ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"],
}
MONTHS = {
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "ar": ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
           "ديسمبر"],
}  # fmt: skip

CANCEL = {
    "fr": (" Pour annuler : {lien}", " Pour annuler, appelez le {tel}.", " Pour annuler, prévenez l'accueil."),
    "en": (" To cancel: {lien}", " To cancel, call {tel}.", " To cancel, tell the reception desk."),
    "ar": (" للإلغاء: {lien}", " للإلغاء اتصل بالرقم {tel}.", " للإلغاء أخبر الاستقبال."),
}
CALL = {"fr": " Tél. : {tel}", "en": " Phone: {tel}", "ar": " الهاتف: {tel}"}
FOOTER = {
    "fr": "Message automatique de {site}, merci de ne pas y répondre.",
    "en": "Automatic message from {site}, please do not reply.",
    "ar": "رسالة آلية من {site}، يرجى عدم الرد عليها.",
}


class UnsafeContent(ValueError):
    """A message would carry something the content rules forbid."""


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def place_context(*, mds, debut: datetime, lien: str = "") -> dict:
    """The usual context of a message: when (``debut``), where (the MDS) and the cancel link."""
    return {
        "debut": debut.isoformat(),
        "mds_nom": mds.nom,
        "mds_adresse": mds.adresse_complete,
        "mds_telephone": mds.telephone,
        "lien": lien,
    }


def normalize_language(language: str | None) -> str:
    return language if language in LANGUAGES else "fr"


def check_context(context: dict) -> None:
    unknown = set(context) - ALLOWED_CONTEXT
    if unknown:
        raise UnsafeContent(f"Données non autorisées dans un message : {', '.join(sorted(unknown))}")
    for key, value in context.items():
        if key != "lien" and isinstance(value, str) and FORBIDDEN_WORDS.search(value):
            raise UnsafeContent(f"Mot interdit dans « {key} »")


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,") + "…"


def format_date(when: datetime, language: str) -> tuple[str, str]:
    local = when.astimezone(PARIS)
    day = f"{DAYS[language][local.weekday()]} {local.day} {MONTHS[language][local.month - 1]}"
    hour = f"{local.hour}h{local.minute:02d}" if language == "fr" else f"{local.hour}:{local.minute:02d}"
    return day, hour


def _fields(context: dict, language: str, *, sms: bool) -> dict:
    debut = context.get("debut")
    when = parse_datetime(debut) if isinstance(debut, str) else debut
    date, hour = format_date(when, language) if when else ("", "")
    nom = context.get("mds_nom", "")
    adresse = context.get("mds_adresse", "")
    if sms:
        nom, adresse = _shorten(nom, SMS_NAME_MAX[language]), _shorten(adresse, SMS_ADDRESS_MAX[language])
    lieu = ", ".join(p for p in (nom, adresse) if p)
    tel, lien = context.get("mds_telephone", ""), context.get("lien", "")
    with_link, with_phone, plain = CANCEL[language]
    annuler = with_link.format(lien=lien) if lien else with_phone.format(tel=tel) if tel else plain
    texte = context.get("texte", "")
    if sms:
        texte = _shorten(texte, RECAP_MAX)
    guichet = _shorten(context.get("guichet", ""), 20)
    return {
        "ticket": context.get("ticket", "")[:8],  # a queue ticket, « A-012 »
        "guichet": f" ({guichet})" if guichet else "",
        "date": date,
        "heure": hour,
        "lieu": lieu,
        "annuler": annuler,
        "appeler": CALL[language].format(tel=tel) if tel else "",
        "texte": texte,
    }


def sms_text(kind: str, language: str, context: dict) -> str:
    language = normalize_language(language)
    body = get_kind(kind).texts[language][1].format(**_fields(context, language, sms=True))
    text = body if language == "ar" else gsm_fold(body)
    _assert_safe(text, context)
    return text


def email(kind: str, language: str, context: dict) -> Rendered:
    language = normalize_language(language)
    subject, body = get_kind(kind).texts[language]
    fields = _fields(context, language, sms=False)
    body = body.format(**fields)
    footer = FOOTER[language].format(site=settings.MDS_SITE_NAME)
    _assert_safe(subject + body, context)
    text = f"{body}\n\n{footer}\n"
    html = render_to_string(
        "notifications/email/message.html",
        {
            "subject": subject,
            "body": body.replace(context.get("lien", "") or "\0", "").rstrip(" :") if context.get("lien") else body,
            "lien": context.get("lien", ""),
            "footer": footer,
            "language": language,
            "rtl": language == "ar",
        },
    )
    return Rendered(subject=subject, text=text, html=html)


def _assert_safe(text: str, context: dict) -> None:
    checked = text.replace(context.get("lien", "") or "\0", "")
    if FORBIDDEN_WORDS.search(checked):
        raise UnsafeContent("Le message contient un mot interdit.")
