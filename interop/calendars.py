"""Calendar feeds (icalendar).

- Out: a mediator's subscription feed (appointments and atelier sessions they lead). Neutral labels
  only: « Rendez-vous » / « Atelier » and the MDS — no visitor name or reference, no motif.
- In: busy times of an external published calendar (ICS URL or file) become accueil absences with
  ``origine="agenda_externe"``, so appointment slots honour them (accueil.selectors.free_slots).
  A refresh replaces them as a whole; a broken feed leaves the last good ones in place and records
  the error, shown to the director."""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

from dateutil.rrule import rrulestr
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from accueil.models import Absence, RendezVous
from ateliers.models import Seance

from .models import AgendaExterne

PASSE_JOURS = 30
HORIZON_JOURS = 120
TAILLE_MAX = 2 * 1024 * 1024
TIMEOUT_SECONDES = 15
MAX_OCCUPATIONS = 2000


# --- Out: subscription feed ---------------------------------------------------------------------


def flux_mediateur(user, *, now=None) -> bytes:
    now = now or timezone.now()
    start, end = now - dt.timedelta(days=PASSE_JOURS), now + dt.timedelta(days=HORIZON_JOURS)
    cal = Calendar()
    cal.add("prodid", "-//MDS connectee//Abonnement//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "MDS connectée — mon agenda")
    cal.add("x-published-ttl", "PT1H")
    rdvs = (
        RendezVous.objects.filter(mediateur=user, debut__lt=end, fin__gt=start)
        .exclude(statut__in=["annule", "excuse"])
        .select_related("mds")
        .order_by("debut")
    )
    for rdv in rdvs:
        cal.add_component(_event(f"rdv-{rdv.pk}", rdv.debut, rdv.fin, f"Rendez-vous — {rdv.mds.nom}", rdv.mds, now))
    seances = (
        Seance.objects.filter(animateur=user, debut__lt=end, fin__gt=start)
        .exclude(statut="annulee")
        .select_related("mds")
        .order_by("debut")
    )
    for seance in seances:
        cal.add_component(
            _event(f"seance-{seance.pk}", seance.debut, seance.fin, f"Atelier — {seance.mds.nom}", seance.mds, now)
        )
    return cal.to_ical()


def _event(uid, debut, fin, summary, mds, stamp):
    event = Event()
    event.add("uid", f"{uid}@mds-connectee")
    event.add("dtstamp", stamp)
    event.add("dtstart", debut)
    event.add("dtend", fin)
    event.add("summary", summary)
    event.add("location", mds.nom)
    event.add("transp", "OPAQUE")
    return event


# --- In: busy times -----------------------------------------------------------------------------


class FluxInvalide(Exception):
    pass


def telecharger(url: str) -> bytes:
    if not url.startswith(("https://", "http://")):
        raise FluxInvalide("Adresse non prise en charge (http ou https).")
    request = urllib.request.Request(url, headers={"User-Agent": "MDS-connectee/1.0 (calendrier)"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDES) as response:  # noqa: S310 — scheme checked
            data = response.read(TAILLE_MAX + 1)
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        raise FluxInvalide(f"Calendrier injoignable ({error.__class__.__name__}).") from error
    if len(data) > TAILLE_MAX:
        raise FluxInvalide("Calendrier trop volumineux (2 Mo au plus).")
    return data


def _as_datetime(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    return timezone.make_aware(dt.datetime.combine(value, dt.time()))


def occupations(data: bytes, *, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Busy (start, end) spans of an ICS document within [start, end): opaque, not cancelled
    events, recurring ones expanded. Raises FluxInvalide when it is not a calendar."""
    try:
        cal = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as error:
        raise FluxInvalide("Ce n'est pas un calendrier ICS lisible.") from error
    if cal.name != "VCALENDAR":
        raise FluxInvalide("Ce n'est pas un calendrier ICS lisible.")
    spans = []
    for event in cal.walk("VEVENT"):
        if str(event.get("status", "")).upper() == "CANCELLED" or str(event.get("transp", "")).upper() == "TRANSPARENT":
            continue
        if event.get("dtstart") is None:
            continue
        try:
            first = _as_datetime(event.decoded("dtstart"))
            if event.get("dtend") is not None:
                last = _as_datetime(event.decoded("dtend"))
            elif event.get("duration") is not None:
                last = first + event.decoded("duration")
            else:
                last = first + dt.timedelta(days=1 if not isinstance(event.decoded("dtstart"), dt.datetime) else 0)
            duration = last - first
            if duration <= dt.timedelta(0):
                continue
            starts = [first]
            if event.get("rrule") is not None:
                rule = rrulestr(event.get("rrule").to_ical().decode(), dtstart=first, forceset=True)
                for exdate in (
                    event.get("exdate", []) if isinstance(event.get("exdate"), list) else [event.get("exdate")]
                ):
                    for value in getattr(exdate, "dts", []):
                        rule.exdate(_as_datetime(value.dt))
                starts = rule.between(start - duration, end, inc=True)
        except (ValueError, TypeError, KeyError, OverflowError):
            continue  # one unreadable event does not spoil the others
        for begin in starts:
            if begin < end and begin + duration > start:
                spans.append((begin, begin + duration))
            if len(spans) >= MAX_OCCUPATIONS:
                return spans
    return spans


@transaction.atomic
def synchroniser(*, agenda_id: int, now=None) -> AgendaExterne:
    """Refresh one external calendar. On success its busy times replace the previous ones; on
    failure they stay, and the error is recorded (the director's home shows it)."""
    now = now or timezone.now()
    agenda = AgendaExterne.objects.select_for_update().get(pk=agenda_id)
    agenda.derniere_tentative = now
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=HORIZON_JOURS)
    try:
        data = telecharger(agenda.url) if agenda.url else agenda.contenu.encode()
        if not data.strip():
            raise FluxInvalide("Aucun fichier ICS importé.")
        spans = occupations(data, start=start, end=end)
    except FluxInvalide as error:
        agenda.erreur = str(error)[:300]
        agenda.save(update_fields=["derniere_tentative", "erreur"])
        return agenda
    Absence.objects.filter(mds_id=agenda.mds_id, mediateur_id=agenda.mediateur_id, origine="agenda_externe").delete()
    Absence.objects.bulk_create(
        Absence(mds_id=agenda.mds_id, mediateur_id=agenda.mediateur_id, debut=a, fin=b, origine="agenda_externe")
        for a, b in sorted(spans)
    )
    agenda.erreur = ""
    agenda.derniere_synchro = now
    agenda.nombre_occupations = len(spans)
    agenda.save(update_fields=["derniere_tentative", "erreur", "derniere_synchro", "nombre_occupations"])
    return agenda
