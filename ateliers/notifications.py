"""Messages to visitors about their ateliers, declared to the notifications outbox (kinds, texts,
timing, relevance) by ``register()`` in ``AppConfig.ready()`` and planned in the same transaction
as the change. Contents: date, time and place only (never the atelier's title or theme).

- registration (status "inscrit")  → reminder the day before (MDS setting, 10:00 by default);
- promotion from the waitlist      → "a place is free" now, and the reminder;
- unregistration                   → planned messages cancelled;
- séance cancelled                 → reminders cancelled, "atelier annulé" now (if still ahead).
"""

from datetime import datetime, timedelta

from django.db import models
from django.utils import timezone

from core.dates import PARIS
from notifications import registry
from notifications.content import place_context
from notifications.services import cancel_messages, schedule_for_usager
from notifications.timing import at_hour, reglages

from .enums import StatutInscription, StatutSeance, TypeEvenement


class Kind(models.TextChoices):
    RAPPEL_ATELIER = "rappel_atelier", "Rappel d'atelier"
    PROMOTION_LISTE_ATTENTE = "promotion_liste_attente", "Place libérée (liste d'attente)"
    ATELIER_ANNULE = "atelier_annule", "Atelier annulé"


ATELIER_KINDS = (Kind.RAPPEL_ATELIER, Kind.PROMOTION_LISTE_ATTENTE)

# {date} {heure} {lieu} {annuler} {appeler}
TEXTS = {  # kind: {language: (e-mail subject, body)}
    Kind.RAPPEL_ATELIER: {
        "fr": ("Rappel de votre atelier", "Rappel : votre atelier a lieu le {date} à {heure}, {lieu}.{annuler}"),
        "en": ("Workshop reminder", "Reminder: your workshop is on {date} at {heure}, {lieu}.{annuler}"),
        "ar": ("تذكير بالورشة", "تذكير: ورشتك يوم {date} الساعة {heure} في {lieu}.{annuler}"),
    },
    Kind.PROMOTION_LISTE_ATTENTE: {
        "fr": (
            "Une place s'est libérée",
            "Une place s'est libérée : vous êtes inscrit(e) à l'atelier du {date} à {heure}, {lieu}.{annuler}",
        ),
        "en": (
            "A place is now free for you",
            "A place is free: you are registered for the workshop on {date} at {heure}, {lieu}.{annuler}",
        ),
        "ar": ("تحرر مكان لك", "تحرر مكان: أنت مسجل في الورشة يوم {date} الساعة {heure} في {lieu}.{annuler}"),
    },
    Kind.ATELIER_ANNULE: {
        "fr": (
            "Atelier annulé",
            "L'atelier du {date} à {heure} est annulé, {lieu}. Renseignements à l'accueil.{appeler}",
        ),
        "en": (
            "Workshop cancelled",
            "The workshop on {date} at {heure} is cancelled, {lieu}. Ask at the reception desk.{appeler}",
        ),
        "ar": (
            "تم إلغاء الورشة",
            "تم إلغاء الورشة يوم {date} الساعة {heure} في {lieu}. للمعلومات، اسأل الاستقبال.{appeler}",
        ),
    },
}


def register() -> None:
    """Called by ``AteliersConfig.ready()``."""
    registry.register_kinds(Kind, TEXTS)
    registry.register_relevance("ateliers.Inscription", still_relevant)


def atelier_reminder_time(*, mds, debut: datetime, now: datetime) -> datetime | None:
    """The day before at the MDS's hour (default 10:00), if still ahead."""
    when = at_hour(debut.astimezone(PARIS).date() - timedelta(days=1), reglages(mds).heure_rappel_atelier)
    return when if when > now else None


def _context(seance):
    return place_context(mds=seance.mds, debut=seance.debut)


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
