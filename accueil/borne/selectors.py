"""Reads of the kiosk screens: motifs offered, free days and times, today's expected appointments
(initials only), the estimated wait of a ticket. Writes are in ``services``, signed links in
``tokens``."""

import math
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from accueil import selectors
from accueil.calendar import DeskCalendar, local_dt
from accueil.enums import StatutPassage, StatutRendezVous
from accueil.models import Motif, Passage, RendezVous
from core.dates import PARIS

from . import codes
from .models import DemandeAide

JOURS_PROPOSES = 6  # days offered on the "Quel jour ?" screen
HORIZON_RECHERCHE = 31  # days searched for free slots
STATUTS_ATTENDUS = (StatutRendezVous.A_VENIR, StatutRendezVous.ABSENT)


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


# --- Opening hours ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ouverture:
    ouvert: bool
    prochaine: datetime | None  # next opening (local time) when closed, None if none in 60 days


def ouverture(*, mds, now=None, horizon=60) -> Ouverture:
    """Is the reception open now (weekly opening range, no closure, no public holiday)? If not,
    when does it open next?"""
    now = (now or timezone.now()).astimezone(PARIS)
    today = now.date()
    calendar = DeskCalendar.load(mds=mds, start_date=today, end_date=today + timedelta(days=horizon))
    for offset in range(horizon + 1):
        day = today + timedelta(days=offset)
        if calendar.closure_reason(day):
            continue
        for debut, fin in calendar.opening.get(day.weekday(), []):
            start, end = local_dt(day, debut), local_dt(day, fin) if fin != time.max else None
            if offset == 0 and start <= now and (end is None or now < end):
                return Ouverture(ouvert=True, prochaine=None)
            if start > now:
                return Ouverture(ouvert=False, prochaine=start)
    return Ouverture(ouvert=False, prochaine=None)


# --- Help requests ----------------------------------------------------------------------------


def demandes_aide_ouvertes(*, mds, limit=20) -> list:
    """Open help requests of this MDS, oldest first, with their kiosk's name (one query)."""
    if mds is None:
        return []
    return list(DemandeAide.objects.for_mds(mds).ouvertes().select_related("borne").order_by("creee_le")[:limit])


def demande_aide_de_la_borne(*, borne, pk):
    return DemandeAide.objects.filter(borne=borne, pk=pk).first() if pk else None
