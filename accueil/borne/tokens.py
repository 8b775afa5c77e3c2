"""Signed links of the kiosk: the short cancellation link sent in reminders (and on the slip)."""

import base64
import hmac
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accueil.models import RendezVous

SALT_ANNULATION = "borne.annulation"


def _signature(value: str) -> str:
    digest = salted_hmac(SALT_ANNULATION, value, algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode().lower()[:13]  # 13 characters, 65 bits


def jeton_annulation(rendez_vous) -> str:
    pk = _b36(rendez_vous.pk)
    return f"{pk}-{_signature(pk)}"


def rdv_signe(jeton: str):
    """The appointment of a correctly signed link, even expired (None for a forged one)."""
    pk, _, signature = (jeton or "").partition("-")
    if not pk or not re.fullmatch(r"[0-9a-z]{1,12}", pk) or not hmac.compare_digest(signature, _signature(pk)):
        return None
    return RendezVous.objects.select_related("mds", "motif").filter(pk=int(pk, 36)).first()


def rdv_depuis_jeton(jeton: str, *, now=None):
    """The appointment of a valid link (signed, and not after the end of the appointment)."""
    now = now or timezone.now()
    rdv = rdv_signe(jeton)
    if rdv is None or rdv.fin < now:
        return None
    return rdv


def lien_annulation(rendez_vous) -> str:
    """Absolute short link for the reminder SMS (notifications app)."""
    path = reverse("borne:annulation", kwargs={"jeton": jeton_annulation(rendez_vous)})
    return settings.SITE_URL.rstrip("/") + path


def _b36(number: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = chars[rest] + out
        if not number:
            return out


def ics_visiteur(rendez_vous) -> bytes:
    """One appointment for the visitor's own calendar (from the signed link): time, place and the
    MDS phone number — no motif, no name."""
    from icalendar import Calendar, Event

    mds = rendez_vous.mds
    cal = Calendar()
    cal.add("prodid", "-//MDS connectee//Rendez-vous//FR")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"rdv-visiteur-{jeton_annulation(rendez_vous)}@mds-connectee")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", rendez_vous.debut)
    event.add("dtend", rendez_vous.fin)
    event.add("summary", f"Rendez-vous — {mds.nom}")
    event.add("location", mds.adresse_complete or mds.nom)
    if mds.telephone:
        event.add("description", f"Pour changer le rendez-vous : {mds.telephone}")
    cal.add_component(event)
    return cal.to_ical()
