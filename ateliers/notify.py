"""Messages to visitors about their ateliers, through the notifications outbox (same transaction as
the change). Contents: date, time and place only (never the atelier's title or theme).

- registration (status "inscrit")  → reminder the day before (MDS setting, 10:00 by default);
- promotion from the waitlist      → "a place is free" now, and the reminder;
- unregistration                   → planned messages cancelled;
- séance cancelled                 → reminders cancelled, "atelier annulé" now (if still ahead).
"""

from django.utils import timezone

from notifications.enums import Kind
from notifications.services import appointment_context, cancel_messages, schedule_for_usager
from notifications.timing import atelier_reminder_time

from .enums import StatutInscription, StatutSeance, TypeEvenement

ATELIER_KINDS = (Kind.RAPPEL_ATELIER, Kind.PROMOTION_LISTE_ATTENTE)


def _context(seance):
    return appointment_context(mds=seance.mds, debut=seance.debut)


def _reminder(inscription, seance, now):
    send_at = atelier_reminder_time(mds=seance.mds, debut=seance.debut, now=now)
    if send_at is not None:
        schedule_for_usager(
            kind=Kind.RAPPEL_ATELIER,
            obj=inscription,
            usager=inscription.usager,
            send_at=send_at,
            context=_context(seance),
        )


def notify(events, *, now=None, skip_inscriptions=frozenset()) -> None:
    """Plan the messages matching ``events`` (Evenement rows just written by the services)."""
    now = now or timezone.now()
    for event in events:
        inscription = event.inscription
        if inscription is None or inscription.usager_id is None or inscription.pk in skip_inscriptions:
            continue
        seance = event.seance
        if event.type == TypeEvenement.INSCRIPTION and inscription.statut == StatutInscription.INSCRIT:
            _reminder(inscription, seance, now)
        elif event.type == TypeEvenement.PROMOTION:
            if seance.debut > now:
                schedule_for_usager(
                    kind=Kind.PROMOTION_LISTE_ATTENTE,
                    obj=inscription,
                    usager=inscription.usager,
                    send_at=now,
                    context=_context(seance),
                )
            _reminder(inscription, seance, now)
        elif event.type == TypeEvenement.DESINSCRIPTION:
            cancel_messages(obj=inscription, reason="désinscription")
        elif event.type == TypeEvenement.ANNULATION_INSCRIT:
            cancel_messages(obj=inscription, kinds=ATELIER_KINDS, reason="séance annulée")
            if seance.debut > now:
                schedule_for_usager(
                    kind=Kind.ATELIER_ANNULE,
                    obj=inscription,
                    usager=inscription.usager,
                    send_at=now,
                    context=_context(seance),
                )


def still_relevant(inscription, message, now) -> bool:
    """Dispatcher check: a reminder or promotion only while the person is registered and the séance
    planned and ahead; a cancellation notice only while the séance is cancelled and ahead."""
    seance = inscription.seance
    if seance.debut <= now:
        return False
    if message.kind == Kind.ATELIER_ANNULE:
        return seance.statut == StatutSeance.ANNULEE
    return inscription.statut == StatutInscription.INSCRIT and seance.statut == StatutSeance.PLANIFIEE
