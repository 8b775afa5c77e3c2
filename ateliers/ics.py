"""ICS export of a séance (icalendar). Contains the title, time and place only: no participant."""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .enums import StatutSeance


def seance_ics(seance) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//MDS connectée//Ateliers//FR")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"atelier-seance-{seance.pk}@mds-connectee")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", seance.debut)
    event.add("dtend", seance.fin)
    event.add("summary", f"Atelier : {seance.atelier.titre}")
    lieu = ", ".join(p for p in [seance.salle, seance.mds.nom, seance.mds.adresse_complete] if p)
    event.add("location", lieu)
    if seance.atelier.description:
        event.add("description", seance.atelier.description)
    event.add("url", f"{settings.SITE_URL.rstrip('/')}/ateliers/seances/{seance.pk}/")
    if seance.statut == StatutSeance.ANNULEE:
        event.add("status", "CANCELLED")
    else:
        event.add("status", "CONFIRMED")
    cal.add_component(event)
    return cal.to_ical()
