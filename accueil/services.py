"""Writes of the reception: bookings (concurrency-safe), status changes, arrivals and the queue.

Double booking is prevented by a row lock: every booking, move or cancellation of an MDS first
locks that MDS's ``Agenda`` row (``SELECT … FOR UPDATE``) inside ``transaction.atomic``, then
re-reads the bookings of the day and checks capacity before inserting. Two concurrent bookings of
the same desk are therefore serialized by PostgreSQL; the second one sees the first."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from core import closures
from core.dates import PARIS
from core.text_guard import guard_free_text
from usagers.services import record_contact

from . import notifications
from .calendar import DeskCalendar
from .enums import (
    TRANSITIONS,
    ActionHistorique,
    CanalRappel,
    CanalReservation,
    Priorite,
    SourcePassage,
    StatutPassage,
    StatutRendezVous,
)
from .models import Agenda, CompteurTicket, Fermeture, HistoriqueRendezVous, Passage, RendezVous

SLOT_TAKEN_MESSAGE = "Ce créneau vient d'être pris."


class BookingError(Exception):
    """A booking refused for a reason the person can act on (French message in ``str()``)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SlotTaken(BookingError):
    def __init__(self, message: str = SLOT_TAKEN_MESSAGE):
        super().__init__(message)


class QueueError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# -- helpers ---------------------------------------------------------------------------------------


def _lock_agenda(mds) -> Agenda:
    Agenda.objects.get_or_create(mds=mds)
    return Agenda.objects.select_for_update().get(mds=mds)


def _record_contact(usager_id, when=None):
    if usager_id:
        record_contact(usager_id=usager_id, when=when or timezone.now())


def _check_slot(*, mds, motif, start: datetime, mediateur, now, exclude_rendez_vous_id=None):
    """Raise BookingError/SlotTaken unless [start, start+duration) can be booked now.
    Must run with the agenda lock held."""
    if timezone.is_naive(start):
        raise BookingError("L'horaire du rendez-vous est invalide.")
    start = start.astimezone(PARIS)
    end = start + motif.duree
    if start < now:
        raise BookingError("Ce créneau est déjà passé : choisissez un horaire à venir.")
    if start < now + timedelta(minutes=motif.delai_minimum_minutes):
        raise BookingError(
            f"Ce motif se réserve au moins {motif.delai_minimum_minutes} minutes à l'avance : "
            "choisissez un horaire plus tard."
        )
    if start > now + timedelta(days=motif.horizon_jours):
        raise BookingError(f"Ce motif ne se réserve pas plus de {motif.horizon_jours} jours à l'avance.")
    calendar = DeskCalendar.load(
        mds=mds, start_date=start.date(), end_date=start.date(), exclude_rendez_vous_id=exclude_rendez_vous_id
    )
    closed = calendar.closure_reason(start.date())
    if closed:
        raise BookingError(f"L'accueil est fermé ce jour-là ({closed}).")
    if not calendar.within_opening(start, end):
        raise BookingError("Ce créneau est en dehors des heures d'ouverture de l'accueil.")
    available, free, capacity = calendar.state(start, end)
    if mediateur is not None:
        if mediateur.pk not in available:
            raise BookingError("Ce ou cette médiateur·rice n'est pas disponible à cet horaire.")
        if mediateur.pk not in free or capacity <= 0:
            raise SlotTaken()
    else:
        if not available:
            raise BookingError("Aucun·e médiateur·rice ne reçoit à cet horaire.")
        if capacity <= 0:
            raise SlotTaken()
    return start, end


def _history(rdv, action, *, user=None, **fields):
    HistoriqueRendezVous.objects.create(rendez_vous=rdv, action=action, par=user, **fields)


# -- appointments ----------------------------------------------------------------------------------


def book_appointment(
    *,
    mds,
    motif,
    start: datetime,
    usager=None,
    mediateur=None,
    channel: str,
    reminder_channel: str = CanalRappel.AUCUN,
    booked_by=None,
    prenom_ou_initiales: str = "",
    telephone: str = "",
    langue: str = "fr",
    now=None,
) -> RendezVous:
    """Book ``motif`` at ``start`` (aware datetime). ``mediateur=None`` books "any available":
    the desk's capacity for that slot is the number of mediators available then. ``langue``: the
    language the visitor booked in (kiosk), used by the signed link's page and the SMS.
    Raises SlotTaken when the slot has just been taken, BookingError for any other refusal."""
    now = now or timezone.now()
    if motif.mds_id != mds.pk or not motif.actif:
        raise BookingError("Ce motif n'est pas proposé par cette MDS.")
    if usager is not None and usager.mds_id != mds.pk:
        raise BookingError("Cet usager n'est pas suivi par cette MDS.")
    if channel not in CanalReservation.values:
        raise BookingError("Canal de réservation inconnu.")
    if reminder_channel not in CanalRappel.values:
        raise BookingError("Canal de rappel inconnu.")
    if channel == CanalReservation.BORNE and not motif.reservable_borne:
        raise BookingError("Ce motif ne se réserve pas à la borne : adressez-vous à l'accueil.")
    if mediateur is not None and not mediateur.memberships.filter(mds=mds).exists():
        raise BookingError("Ce ou cette médiateur·rice ne travaille pas dans cette MDS.")
    with transaction.atomic():
        agenda = _lock_agenda(mds)
        start, end = _check_slot(mds=mds, motif=motif, start=start, mediateur=mediateur, now=now)
        rdv = RendezVous(
            mds=mds,
            usager=usager,
            prenom_ou_initiales=prenom_ou_initiales.strip(),
            telephone=telephone.strip(),
            mediateur=mediateur,
            motif=motif,
            debut=start,
            fin=end,
            canal=channel,
            rappel=reminder_channel,
            reserve_par=booked_by,
            statut_change_le=now,
            langue=langue,
        )
        try:
            rdv.full_clean()
        except ValidationError as error:
            raise BookingError(" ".join(error.messages)) from error
        rdv.save()
        agenda.version += 1
        agenda.save(update_fields=["version"])
        _history(rdv, ActionHistorique.CREATION, user=booked_by, nouveau_debut=start, nouveau_statut=rdv.statut)
        _record_contact(rdv.usager_id, now)
        notifications.plan(rdv, now=now)
    return rdv


def reschedule_appointment(*, rendez_vous, start: datetime, mediateur="keep", user=None, now=None) -> RendezVous:
    """Move an upcoming appointment (same motif) to ``start``; the old time stays in the history.
    ``mediateur``: "keep" (default), None (any available) or a User."""
    now = now or timezone.now()
    with transaction.atomic():
        agenda = _lock_agenda(rendez_vous.mds)
        rdv = RendezVous.objects.select_for_update().select_related("motif", "mds").get(pk=rendez_vous.pk)
        if rdv.statut != StatutRendezVous.A_VENIR:
            raise BookingError("Seul un rendez-vous à venir peut être déplacé.")
        new_mediateur = rdv.mediateur if mediateur == "keep" else mediateur
        begin, end = _check_slot(
            mds=rdv.mds, motif=rdv.motif, start=start, mediateur=new_mediateur, now=now, exclude_rendez_vous_id=rdv.pk
        )
        old_start, old_mediateur = rdv.debut, rdv.mediateur_id
        rdv.debut, rdv.fin, rdv.mediateur = begin, end, new_mediateur
        rdv.save(update_fields=["debut", "fin", "mediateur", "updated_at"])
        agenda.version += 1
        agenda.save(update_fields=["version"])
        _history(
            rdv,
            ActionHistorique.DEPLACEMENT,
            user=user,
            ancien_debut=old_start,
            nouveau_debut=begin,
            ancien_mediateur_id=old_mediateur,
        )
        notifications.plan(rdv, now=now)
    rendez_vous.refresh_from_db()
    return rendez_vous


def set_appointment_status(*, rendez_vous, statut: str, user=None, now=None) -> RendezVous:
    """Apply a status transition allowed by ``enums.TRANSITIONS`` (history kept)."""
    now = now or timezone.now()
    with transaction.atomic():
        rdv = RendezVous.objects.select_for_update().get(pk=rendez_vous.pk)
        if statut == rdv.statut:
            return rdv
        if statut not in TRANSITIONS.get(rdv.statut, set()):
            raise BookingError(
                f"Impossible de passer un rendez-vous « {rdv.get_statut_display()} » "
                f"à « {StatutRendezVous(statut).label} »."
            )
        old = rdv.statut
        rdv.statut = statut
        rdv.statut_change_le = now
        rdv.save(update_fields=["statut", "statut_change_le", "updated_at"])
        _history(rdv, ActionHistorique.STATUT, user=user, ancien_statut=old, nouveau_statut=statut)
        notifications.status_changed(rdv, now=now)
    rendez_vous.refresh_from_db()
    return rendez_vous


def cancel_appointment(*, rendez_vous, by_visitor: bool = False, user=None, now=None) -> RendezVous:
    """Cancel: ``excuse`` when the visitor cancels (desk on their behalf, kiosk, signed link),
    ``annule`` when the MDS cancels. The slot is freed at once."""
    statut = StatutRendezVous.EXCUSE if by_visitor else StatutRendezVous.ANNULE
    return set_appointment_status(rendez_vous=rendez_vous, statut=statut, user=user, now=now)


def mark_no_shows(*, now=None, grace_minutes: int = 30) -> int:
    """Appointments still ``a_venir`` ``grace_minutes`` after their end, never checked in, become
    ``absent``. Idempotent; returns how many changed."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=grace_minutes)
    changed = 0
    ids = list(
        RendezVous.objects.filter(statut=StatutRendezVous.A_VENIR, fin__lt=limit, passage__isnull=True).values_list(
            "pk", flat=True
        )[:5000]
    )
    for pk in ids:
        with transaction.atomic():
            rdv = RendezVous.objects.select_for_update(skip_locked=True).filter(pk=pk, statut=StatutRendezVous.A_VENIR)
            rdv = rdv.first()
            if rdv is None:
                continue
            rdv.statut = StatutRendezVous.ABSENT
            rdv.statut_change_le = now
            rdv.save(update_fields=["statut", "statut_change_le", "updated_at"])
            _history(rdv, ActionHistorique.STATUT, ancien_statut=StatutRendezVous.A_VENIR, nouveau_statut=rdv.statut)
            notifications.status_changed(rdv, now=now)
            changed += 1
    return changed


# -- arrivals and queue ----------------------------------------------------------------------------


def _next_ticket_number(mds, day) -> int:
    """Race-free per-MDS per-day counter: one upsert statement, row-locked by PostgreSQL."""
    table = CompteurTicket._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {table} (mds_id, jour, dernier) VALUES (%s, %s, 1)
                ON CONFLICT (mds_id, jour) DO UPDATE SET dernier = {table}.dernier + 1
                RETURNING dernier""",  # noqa: S608 - table name from the model, values bound
            [mds.pk, day],
        )
        return cursor.fetchone()[0]


def register_arrival(
    *,
    mds,
    motif=None,
    usager=None,
    prenom_ou_initiales: str = "",
    priorites=(),
    source: str,
    rendez_vous=None,
    user=None,
    now=None,
) -> Passage:
    """Register an arrival and give it the next ticket (A-001… per MDS per day)."""
    now = now or timezone.now()
    if source not in SourcePassage.values:
        raise QueueError("Source de la visite inconnue.")
    priorites = sorted(set(priorites))
    unknown = [p for p in priorites if p not in Priorite.values]
    if unknown:
        raise QueueError("Priorité inconnue.")
    if motif is not None and motif.mds_id != mds.pk:
        raise QueueError("Ce motif n'est pas proposé par cette MDS.")
    if usager is not None and usager.mds_id != mds.pk:
        raise QueueError("Cet usager n'est pas suivi par cette MDS.")
    prenom_ou_initiales = (prenom_ou_initiales or "").strip()
    try:
        guard_free_text(prenom_ou_initiales)
    except ValidationError as error:
        raise QueueError(" ".join(error.messages)) from error
    day = now.astimezone(PARIS).date()
    with transaction.atomic():
        passage = Passage(
            mds=mds,
            usager=usager,
            prenom_ou_initiales=prenom_ou_initiales,
            motif=motif,
            rendez_vous=rendez_vous,
            source=source,
            priorites=priorites,
            prioritaire=bool(priorites),
            jour=day,
            numero=0,
            arrivee_le=now,
        )
        try:
            passage.full_clean(exclude=["numero"])
        except ValidationError as error:
            raise QueueError(" ".join(error.messages)) from error
        passage.numero = _next_ticket_number(mds, day)
        passage.save()
        _record_contact(passage.usager_id, now)
    return passage


def check_in(*, rendez_vous, user=None, priorites=(), now=None) -> Passage:
    """The visitor arrived for their appointment: a passage (ticket) linked to it, status honoré."""
    now = now or timezone.now()
    with transaction.atomic():
        rdv = (
            RendezVous.objects.select_for_update(of=("self",))
            .select_related("mds", "motif", "usager")
            .get(pk=rendez_vous.pk)
        )
        existing = Passage.objects.filter(rendez_vous=rdv).first()
        if existing is not None:
            return existing
        if rdv.statut not in (StatutRendezVous.A_VENIR, StatutRendezVous.ABSENT):
            raise BookingError(
                f"Ce rendez-vous est « {rdv.get_statut_display()} » : enregistrez une arrivée sans rendez-vous."
            )
        if rdv.debut.astimezone(PARIS).date() != now.astimezone(PARIS).date():
            raise BookingError("Ce rendez-vous n'est pas aujourd'hui.")
        passage = register_arrival(
            mds=rdv.mds,
            motif=rdv.motif,
            usager=rdv.usager,
            prenom_ou_initiales=rdv.prenom_ou_initiales,
            priorites=priorites,
            source=SourcePassage.RENDEZ_VOUS,
            rendez_vous=rdv,
            user=user,
            now=now,
        )
        set_appointment_status(rendez_vous=rdv, statut=StatutRendezVous.HONORE, user=user, now=now)
    return passage


def _locked_passage(passage) -> Passage:
    return Passage.objects.select_for_update().get(pk=passage.pk)


def call_passage(*, passage, user=None, guichet: str = "", now=None) -> Passage:
    """Call a waiting ticket to a desk (shown on the waiting-room screen)."""
    now = now or timezone.now()
    guichet = (guichet or "").strip()[:20]
    try:
        guard_free_text(guichet)
    except ValidationError as error:
        raise QueueError(" ".join(error.messages)) from error
    with transaction.atomic():
        p = _locked_passage(passage)
        if p.statut not in (StatutPassage.EN_ATTENTE, StatutPassage.APPELE):
            raise QueueError(f"Le ticket {p.ticket} n'est plus en attente.")
        p.statut = StatutPassage.APPELE
        p.appele_le = now
        p.appele_par = user
        p.guichet = guichet
        p.save(update_fields=["statut", "appele_le", "appele_par", "guichet"])
        notifications.passage_changed(p, now=now)
    return p


def call_next(*, mds, user=None, guichet: str = "", now=None) -> Passage | None:
    """Call the first waiting ticket (priority, then arrival); None when nobody waits."""
    now = now or timezone.now()
    with transaction.atomic():
        p = (
            Passage.objects.select_for_update(skip_locked=True)
            .filter(mds=mds, jour=now.astimezone(PARIS).date(), statut=StatutPassage.EN_ATTENTE)
            .order_by("-prioritaire", "arrivee_le", "numero")
            .first()
        )
        if p is None:
            return None
        return call_passage(passage=p, user=user, guichet=guichet, now=now)


def take_in_charge(*, passage, user=None, now=None) -> Passage:
    """Start receiving the visitor: stores the waiting time (arrival → taken in charge)."""
    now = now or timezone.now()
    with transaction.atomic():
        p = _locked_passage(passage)
        if p.statut not in (StatutPassage.EN_ATTENTE, StatutPassage.APPELE):
            raise QueueError(f"Le ticket {p.ticket} n'est plus en attente.")
        p.statut = StatutPassage.EN_CHARGE
        p.pris_en_charge_le = now
        p.pris_en_charge_par = user
        if p.appele_le is None:
            p.appele_le, p.appele_par = now, user
        p.attente_secondes = max(0, int((now - p.arrivee_le).total_seconds()))
        p.save(
            update_fields=[
                "statut",
                "pris_en_charge_le",
                "pris_en_charge_par",
                "appele_le",
                "appele_par",
                "attente_secondes",
            ]
        )
        notifications.passage_changed(p, now=now)
    return p


def mark_left(*, passage, user=None, now=None) -> Passage:
    """The visitor left without being received."""
    now = now or timezone.now()
    with transaction.atomic():
        p = _locked_passage(passage)
        if p.statut not in (StatutPassage.EN_ATTENTE, StatutPassage.APPELE):
            raise QueueError(f"Le ticket {p.ticket} n'est plus en attente.")
        p.statut = StatutPassage.PARTI
        p.sorti_le = now
        p.save(update_fields=["statut", "sorti_le"])
        notifications.passage_changed(p, now=now)
    return p


def redirect(*, passage, user=None, vers: str = "", now=None) -> Passage:
    """Réorienter: the visitor is sent to another service or partner (short, non-sensitive note)."""
    now = now or timezone.now()
    vers = (vers or "").strip()
    try:
        guard_free_text(vers)
    except ValidationError as error:
        raise QueueError(" ".join(error.messages)) from error
    with transaction.atomic():
        p = _locked_passage(passage)
        if p.statut not in (StatutPassage.EN_ATTENTE, StatutPassage.APPELE):
            raise QueueError(f"Le ticket {p.ticket} n'est plus en attente.")
        p.statut = StatutPassage.REDIRIGE
        p.sorti_le = now
        p.reorientation = vers[:120]
        p.full_clean()
        p.save(update_fields=["statut", "sorti_le", "reorientation"])
        notifications.passage_changed(p, now=now)
    return p


def appointments_hit_by_closure(*, mds, date_debut, date_fin):
    """Upcoming appointments that fall on the days of a closure (the confirmation lists them)."""
    start = datetime.combine(date_debut, time.min, tzinfo=PARIS)
    end = datetime.combine(date_fin + timedelta(days=1), time.min, tzinfo=PARIS)
    return (
        RendezVous.objects.filter(mds=mds, statut=StatutRendezVous.A_VENIR, debut__gte=start, debut__lt=end)
        .select_related("usager", "motif", "mediateur")
        .order_by("debut", "pk")
    )


@dataclass(frozen=True)
class ClosureResult:
    fermeture: Fermeture
    cancelled: list  # appointments cancelled by the MDS
    cancelled_elsewhere: list  # [{"impact", "rows"}] from the peers (core.closures: atelier séances…)


@transaction.atomic
def add_closure(*, mds, date_debut, date_fin, libelle="", cancel_appointments: bool, user=None) -> ClosureResult:
    """Add a closure; with ``cancel_appointments`` the appointments of those days are cancelled by
    the MDS, each visitor told through the outbox (cancellation notice), and so is every booking
    the peer apps registered in ``core.closures`` (atelier séances, their registrants told)."""
    if date_debut < timezone.localdate():
        raise BookingError("Une fermeture ne peut pas commencer dans le passé.")
    fermeture = Fermeture(mds=mds, date_debut=date_debut, date_fin=date_fin, libelle=libelle)
    fermeture.full_clean()
    fermeture.save()
    closures.record_all(mds=mds, date_debut=date_debut, date_fin=date_fin, libelle=libelle)
    cancelled, elsewhere = [], []
    if cancel_appointments:
        hit = appointments_hit_by_closure(mds=mds, date_debut=date_debut, date_fin=date_fin).select_for_update(
            of=("self",)
        )
        for rdv in hit:
            cancelled.append(cancel_appointment(rendez_vous=rdv, user=user))
        elsewhere = closures.cancel_all(mds=mds, date_debut=date_debut, date_fin=date_fin, user=user)
    return ClosureResult(fermeture=fermeture, cancelled=cancelled, cancelled_elsewhere=elsewhere)


@transaction.atomic
def remove_closure(*, fermeture: Fermeture) -> None:
    """Delete a closure, and what the peer apps recorded for it (core.closures)."""
    closures.forget_all(mds=fermeture.mds, date_debut=fermeture.date_debut, date_fin=fermeture.date_fin)
    fermeture.delete()
