"""Writes of the kiosk app: devices (create, pairing, revocation), anonymous feedback, and the
kiosk flows on top of the reception services (same locks, same rules as the desk): booking with a
booking code, check-in, walk-in ticket, cancellation through the signed link."""

from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from accueil import services as accueil_services
from accueil.enums import CanalRappel, CanalReservation, SourcePassage, StatutPassage, StatutRendezVous
from accueil.models import Passage
from core.dates import PARIS
from core.models import MDS
from notifications import services as outbox
from notifications.enums import Channel

from . import codes, selectors
from .enums import AvisTag, Ressenti
from .models import AlerteTicket, Avis, Borne, CodeReservation, DemandeAide, hash_secret
from .notifications import Kind

SlotTaken = accueil_services.SlotTaken
BookingError = accueil_services.BookingError
QueueError = accueil_services.QueueError


class AccueilFerme(QueueError):
    """No walk-in ticket while the MDS is closed (outside opening hours, closure, public holiday)."""

    def __init__(self):
        super().__init__("L'accueil est fermé : pas de ticket pour le moment.")


PAIRING_VALIDITY = timedelta(hours=24)


class AppairageInvalide(Exception):
    """Unknown, used, expired or revoked pairing code."""


@transaction.atomic
def creer_borne(*, mds: MDS, nom: str, par=None) -> tuple[Borne, str]:
    """Create a device and its one-time pairing code. Returns (borne, clear pairing code)."""
    borne = Borne(mds=mds, nom=nom.strip(), creee_par=par)
    code = _set_pairing_code(borne)
    borne.full_clean()
    borne.save()
    return borne, code


@transaction.atomic
def nouveau_code_appairage(*, borne: Borne) -> str:
    """A fresh pairing code (e.g. to replace the tablet); the current tablet keeps working until
    the new code is used."""
    borne = Borne.objects.select_for_update().get(pk=borne.pk)
    if not borne.active:
        raise AppairageInvalide("Cette borne est révoquée.")
    code = _set_pairing_code(borne)
    borne.save(update_fields=["code_appairage_hash", "code_appairage_expire_le"])
    return code


def _set_pairing_code(borne: Borne) -> str:
    code = codes.random_code(codes.PAIRING_CODE_LENGTH)
    borne.code_appairage_hash = hash_secret(code)
    borne.code_appairage_expire_le = timezone.now() + PAIRING_VALIDITY
    return code


@transaction.atomic
def appairer(*, code: str, secret: str) -> Borne:
    """Use a pairing code once: the device's credential becomes ``secret`` (stored hashed) and
    any previous tablet of this device stops working."""
    normalized = codes.normalize(code)
    if len(normalized) != codes.PAIRING_CODE_LENGTH:
        raise AppairageInvalide("Code d'appairage invalide.")
    borne = (
        Borne.objects.select_for_update()
        .select_related("mds")
        .filter(code_appairage_hash=hash_secret(normalized), revoquee_le__isnull=True)
        .first()
    )
    if borne is None or borne.code_appairage_expire_le is None or borne.code_appairage_expire_le < timezone.now():
        raise AppairageInvalide("Code d'appairage invalide ou expiré.")
    borne.code_appairage_hash = ""
    borne.code_appairage_expire_le = None
    borne.identifiant_hash = hash_secret(secret)
    borne.appairee_le = timezone.now()
    borne.save(update_fields=["code_appairage_hash", "code_appairage_expire_le", "identifiant_hash", "appairee_le"])
    return borne


@transaction.atomic
def revoquer_borne(*, borne: Borne) -> Borne:
    """End the device now: its cookie is refused from the next request on."""
    borne = Borne.objects.select_for_update().get(pk=borne.pk)
    borne.revoquee_le = borne.revoquee_le or timezone.now()
    borne.identifiant_hash = ""
    borne.code_appairage_hash = ""
    borne.code_appairage_expire_le = None
    borne.save(update_fields=["revoquee_le", "identifiant_hash", "code_appairage_hash", "code_appairage_expire_le"])
    return borne


@transaction.atomic
def enregistrer_avis(*, mds: MDS, ressenti: int, tags: list[str] | None = None) -> Avis:
    """Store one anonymous opinion for today in this MDS (nothing else: no time, no device)."""
    avis = Avis(
        mds=mds,
        jour=timezone.localdate(),
        ressenti=Ressenti(int(ressenti)),
        tags=sorted({AvisTag(t).value for t in tags or []}),
    )
    avis.full_clean()
    avis.save()
    return avis


# --- Kiosk flows ---------------------------------------------------------------------------------


def reserver(*, borne, motif, debut, prenom_ou_initiales: str, telephone: str = "", langue: str = "fr", now=None):
    """Book through ``accueil.services.book_appointment`` (agenda row lock) and attach a booking
    code in the same transaction. Returns (rendez_vous, code). Raises SlotTaken/BookingError."""
    with transaction.atomic():
        rdv = accueil_services.book_appointment(
            mds=borne.mds,
            motif=motif,
            start=debut,
            channel=CanalReservation.BORNE,
            reminder_channel=CanalRappel.SMS if telephone else CanalRappel.AUCUN,
            prenom_ou_initiales=prenom_ou_initiales,
            telephone=telephone,
            # The language of the kiosk screens: the SMS and the reminder link's page use it.
            langue=langue,
            now=now,
        )
        for _ in range(10):
            code = codes.random_code(codes.BOOKING_CODE_LENGTH)
            try:
                with transaction.atomic():
                    CodeReservation.objects.create(rendez_vous=rdv, code=code)
                break
            except IntegrityError:
                continue
        else:  # pragma: no cover - 10 collisions in 7.8e10 codes
            raise BookingError("Impossible de créer un code de réservation.")
    return rdv, code


@transaction.atomic
def enregistrer_arrivee(*, rendez_vous, now=None) -> Passage:
    return accueil_services.check_in(rendez_vous=rendez_vous, now=now)


@transaction.atomic
def prendre_ticket(*, borne, motif=None, now=None) -> Passage:
    """A walk-in ticket, only while the MDS is open (raises AccueilFerme otherwise)."""
    if not selectors.ouverture(mds=borne.mds, now=now).ouvert:
        raise AccueilFerme()
    return accueil_services.register_arrival(mds=borne.mds, motif=motif, source=SourcePassage.BORNE, now=now)


@transaction.atomic
def annuler_par_lien(*, rendez_vous, now=None):
    return accueil_services.cancel_appointment(rendez_vous=rendez_vous, by_visitor=True, now=now)


def deplacable(rendez_vous, *, now=None) -> bool:
    """Can the visitor move it from the signed link? Upcoming, a motif still booked at the kiosk,
    no mediator chosen by the desk (the kiosk's free slots are « any mediator »)."""
    now = now or timezone.now()
    motif = rendez_vous.motif
    return (
        rendez_vous.statut == StatutRendezVous.A_VENIR
        and rendez_vous.debut > now
        and rendez_vous.mediateur_id is None
        and motif.actif
        and motif.reservable_borne
    )


@transaction.atomic
def deplacer_par_lien(*, rendez_vous, debut, now=None):
    """« Déplacer » from the signed link: ``accueil.services.reschedule_appointment`` (agenda lock,
    same checks as a booking; the old slot is freed, the reminders are planned again). Raises
    SlotTaken when the new time has just been taken, BookingError otherwise."""
    if not deplacable(rendez_vous, now=now):
        raise BookingError("Ce rendez-vous ne peut pas être déplacé ici.")
    return accueil_services.reschedule_appointment(rendez_vous=rendez_vous, start=debut, now=now)


# --- Help requests ----------------------------------------------------------------------------


@transaction.atomic
def demander_aide(*, borne: Borne, ecran: str = "", now=None) -> DemandeAide:
    """« Demander à l'accueil »: one open request per kiosk (a second tap returns the open one)."""
    now = now or timezone.now()
    borne = Borne.objects.select_for_update().get(pk=borne.pk)  # two taps at once: one request
    ouverte = DemandeAide.objects.filter(borne=borne).ouvertes().first()
    if ouverte is not None:
        return ouverte
    demande = DemandeAide(mds=borne.mds, borne=borne, ecran=(ecran or "")[:40], creee_le=now)
    demande.full_clean()
    demande.save()
    return demande


@transaction.atomic
def prendre_en_charge(*, demande: DemandeAide, par, now=None) -> DemandeAide:
    """« J'y vais »: the first person who taps it takes the request (later taps change nothing)."""
    demande = DemandeAide.objects.select_for_update().get(pk=demande.pk)
    if demande.ouverte:
        demande.prise_le = now or timezone.now()
        demande.prise_par = par
        demande.save(update_fields=["prise_le", "prise_par"])
    return demande


@transaction.atomic
def annuler_demandes_aide(*, borne: Borne, now=None) -> int:
    """The visitor left (end of the flow, inactivity): their open request is no longer waited for."""
    return DemandeAide.objects.filter(borne=borne).ouvertes().update(annulee_le=now or timezone.now())


# --- « Prévenez-moi par SMS quand c'est mon tour » (walk-in tickets) ----------------------------


class AlerteImpossible(Exception):
    """The ticket is no longer waiting (called, received, gone) or not a ticket of today."""


@transaction.atomic
def demander_sms_ticket(*, passage, telephone: str, langue: str = "fr", now=None) -> AlerteTicket:
    """Keep the mobile number (validated E.164) until the ticket is called. Typing it again replaces it."""
    now = now or timezone.now()
    passage = Passage.objects.select_for_update().get(pk=passage.pk)
    if passage.statut != StatutPassage.EN_ATTENTE or passage.jour != now.astimezone(PARIS).date():
        raise AlerteImpossible()
    alerte, _created = AlerteTicket.objects.update_or_create(
        passage=passage, defaults={"mds_id": passage.mds_id, "telephone": telephone, "langue": langue, "creee_le": now}
    )
    return alerte


def ticket_change(passage, now) -> None:
    """Listener of the queue (``accueil.notifications.register_passage_listener``), inside the
    service's transaction. Called → the SMS goes to the outbox (sent at once) and the number leaves
    this table; received, gone or redirected before being called → the number is deleted."""
    alerte = AlerteTicket.objects.select_for_update().filter(passage_id=passage.pk).first()
    if alerte is None:
        return
    if passage.statut == StatutPassage.APPELE:
        outbox.schedule_message(
            kind=Kind.TICKET_APPELE,
            obj=passage,
            mds=passage.mds,
            channel=Channel.SMS,
            recipient=alerte.telephone,
            send_at=now,
            language=alerte.langue,
            context={"ticket": passage.ticket, "guichet": passage.guichet},
        )
    alerte.delete()


@transaction.atomic
def purger_alertes_ticket(*, jusqu_au=None, now=None) -> int:
    """End of the day (periodic task, in the evening): the numbers of the tickets of ``jusqu_au``
    (today by default) and before are deleted, here and in the outbox (a ticket SMS not sent by
    then never will be)."""
    now = now or timezone.now()
    jusqu_au = jusqu_au or now.astimezone(PARIS).date()
    deleted, _ = AlerteTicket.objects.filter(passage__jour__lte=jusqu_au).delete()
    end = timezone.make_aware(datetime.combine(jusqu_au + timedelta(days=1), time.min), PARIS)
    outbox.forget_ephemeral_recipients(before=min(end, now))
    return deleted
