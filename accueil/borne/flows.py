"""Kiosk flows on top of the reception services (same locks, same rules as the desk):
booking with a booking code, check-in by code or by initials, walk-in ticket with an estimated
wait, and the signed cancellation link sent in reminders."""

import base64
import hmac
import math
import re
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accueil import selectors
from accueil import services as accueil_services
from accueil.calendar import DeskCalendar
from accueil.enums import CanalRappel, CanalReservation, SourcePassage, StatutPassage, StatutRendezVous
from accueil.models import Motif, Passage, RendezVous
from core.dates import PARIS

from . import codes
from .models import CodeReservation

SlotTaken = accueil_services.SlotTaken
BookingError = accueil_services.BookingError
QueueError = accueil_services.QueueError

JOURS_PROPOSES = 6  # days offered on the "Quel jour ?" screen
HORIZON_RECHERCHE = 31  # days searched for free slots
STATUTS_ATTENDUS = (StatutRendezVous.A_VENIR, StatutRendezVous.ABSENT)


# --- Booking ------------------------------------------------------------------------------------


def motifs_borne(mds):
    return Motif.objects.for_mds(mds).filter(actif=True, reservable_borne=True).order_by("ordre", "libelle")


def motifs_ticket(mds):
    return Motif.objects.for_mds(mds).filter(actif=True).order_by("ordre", "libelle")[:6]


def jours_libres(*, mds, motif, now=None) -> list:
    """The next days with at least one free slot (at most JOURS_PROPOSES)."""
    now = now or timezone.now()
    today = now.astimezone(PARIS).date()
    slots = selectors.free_slots(
        mds=mds, motif=motif, start_date=today, end_date=today + timedelta(days=HORIZON_RECHERCHE), now=now
    )
    days = []
    for slot in slots:
        day = slot.debut.astimezone(PARIS).date()
        if day not in days:
            days.append(day)
        if len(days) >= JOURS_PROPOSES:
            break
    return days


def heures_libres(*, mds, motif, jour, now=None) -> list:
    return selectors.free_slots(mds=mds, motif=motif, start_date=jour, end_date=jour, now=now)


def prochains_creneaux(*, mds, motif, apres, now=None, nombre=4) -> list:
    """Free slots after ``apres`` (offered when the chosen one has just been taken)."""
    now = now or timezone.now()
    start = apres.astimezone(PARIS).date()
    slots = selectors.free_slots(
        mds=mds, motif=motif, start_date=start, end_date=start + timedelta(days=HORIZON_RECHERCHE), now=now
    )
    return [s for s in slots if s.debut >= apres][:nombre]


def reserver(*, borne, motif, debut, prenom_ou_initiales: str, telephone: str = "", now=None):
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


# --- Check-in -----------------------------------------------------------------------------------


def _attendus_du_jour(mds, now):
    today = now.astimezone(PARIS).date()
    return RendezVous.objects.for_mds(mds).filter(debut__date=today, statut__in=STATUTS_ATTENDUS, passage__isnull=True)


def trouver_par_code(*, mds, code: str, now=None):
    """Today's appointment of this MDS with this booking code, not yet checked in (or None)."""
    now = now or timezone.now()
    normalized = codes.normalize(code)
    if not normalized or len(normalized) > 12:
        return None
    return _attendus_du_jour(mds, now).filter(code_borne__code=normalized).select_related("motif", "mds").first()


def attendus_par_heure(*, mds, now=None, limit=30):
    """Today's appointments still expected, from one hour ago: (id, time, initials) only."""
    now = now or timezone.now()
    rows = (
        _attendus_du_jour(mds, now)
        .filter(debut__gte=now - timedelta(hours=1))
        .select_related("usager")
        .order_by("debut", "pk")[:limit]
    )
    return [{"pk": r.pk, "debut": r.debut, "initiales": initiales(_nom(r))} for r in rows]


def rdv_attendu(*, mds, pk, now=None):
    now = now or timezone.now()
    return _attendus_du_jour(mds, now).filter(pk=pk).select_related("motif", "mds").first()


def _nom(rdv) -> str:
    if rdv.prenom_ou_initiales:
        return rdv.prenom_ou_initiales
    if rdv.usager_id:
        return f"{rdv.usager.prenom} {rdv.usager.nom}".strip()
    return ""


def initiales(nom: str) -> str:
    """ "Marie Dupont" → "M. D." ; "MD" → "M. D." ; "" → "?" (never a full name on the kiosk)."""
    words = re.findall(r"[^\W\d_]+", nom or "")
    acronym = len(words) == 1 and len(words[0]) <= 3 and words[0].isupper()
    letters = list(words[0]) if acronym else [w[0] for w in words]
    return " ".join(f"{letter.upper()}." for letter in letters[:3]) or "?"


def enregistrer_arrivee(*, rendez_vous, now=None) -> Passage:
    return accueil_services.check_in(rendez_vous=rendez_vous, now=now)


# --- Walk-in ticket -----------------------------------------------------------------------------


def prendre_ticket(*, borne, motif=None, now=None) -> Passage:
    return accueil_services.register_arrival(mds=borne.mds, motif=motif, source=SourcePassage.BORNE, now=now)


def attente_estimee(*, passage, now=None) -> tuple[int, int]:
    """(people before this ticket, estimated minutes): people waiting ahead × minutes per visitor
    (``BORNE_MINUTES_PAR_PERSONNE``, default 15) ÷ mediators receiving now (at least 1)."""
    now = now or timezone.now()
    waiting = list(
        Passage.objects.file_du_jour(passage.mds, passage.jour)
        .filter(statut=StatutPassage.EN_ATTENTE)
        .values_list("pk", flat=True)
    )
    ahead = waiting.index(passage.pk) if passage.pk in waiting else 0
    calendar = DeskCalendar.load(mds=passage.mds, start_date=passage.jour, end_date=passage.jour)
    desks = max(1, len(calendar.available_mediators(now, now + timedelta(minutes=1))))
    per_person = getattr(settings, "BORNE_MINUTES_PAR_PERSONNE", 15)
    minutes = math.ceil(ahead * per_person / desks / 5) * 5
    return ahead, minutes


# --- Cancellation link --------------------------------------------------------------------------

SALT_ANNULATION = "borne.annulation"


def _signature(value: str) -> str:
    digest = salted_hmac(SALT_ANNULATION, value, algorithm="sha256").digest()
    return base64.b32encode(digest[:10]).decode().lower()[:13]  # 13 characters, 65 bits


def jeton_annulation(rendez_vous) -> str:
    pk = _b36(rendez_vous.pk)
    return f"{pk}-{_signature(pk)}"


def rdv_depuis_jeton(jeton: str, *, now=None):
    """The appointment of a valid link (signed, and not after the end of the appointment)."""
    now = now or timezone.now()
    pk, _, signature = (jeton or "").partition("-")
    if not pk or not re.fullmatch(r"[0-9a-z]{1,12}", pk) or not hmac.compare_digest(signature, _signature(pk)):
        return None
    rdv = RendezVous.objects.select_related("mds").filter(pk=int(pk, 36)).first()
    if rdv is None or rdv.fin < now:
        return None
    return rdv


def lien_annulation(rendez_vous) -> str:
    """Absolute short link for the reminder SMS (notifications app)."""
    path = reverse("borne:annulation", kwargs={"jeton": jeton_annulation(rendez_vous)})
    return settings.SITE_URL.rstrip("/") + path


def annuler_par_lien(*, rendez_vous, now=None):
    return accueil_services.cancel_appointment(rendez_vous=rendez_vous, by_visitor=True, now=now)


def _b36(number: int) -> str:
    chars = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = chars[rest] + out
        if not number:
            return out
