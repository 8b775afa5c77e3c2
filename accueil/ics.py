"""ICS export of a mediator's agenda (icalendar). Only what a calendar needs: time, motif and the
pseudonymous reference — no phone, no e-mail."""

from django.utils import timezone
from icalendar import Calendar, Event


def agenda_ics(*, mds, mediateur, rendez_vous) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//MDS connectee//Agenda//FR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"Rendez-vous {mds.nom} — {mediateur.get_full_name() or mediateur.email}")
    stamp = timezone.now()
    for rdv in rendez_vous:
        event = Event()
        event.add("uid", f"rdv-{rdv.pk}@mds-connectee")
        event.add("dtstamp", stamp)
        event.add("dtstart", rdv.debut)
        event.add("dtend", rdv.fin)
        who = rdv.usager.reference if rdv.usager_id else (rdv.prenom_ou_initiales or "sans nom")
        event.add("summary", f"{rdv.motif.libelle} — {who}")
        event.add("location", mds.adresse_complete or mds.nom)
        event.add("status", "CONFIRMED")
        cal.add_component(event)
    return cal.to_ical()
