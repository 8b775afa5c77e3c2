"""Desk calendar arithmetic shared by the slot selector and the booking service.

Everything is computed in local wall-clock time (Europe/Paris) with ``zoneinfo``: a range
"9:00–12:00" stays 9:00–12:00 on both sides of a DST change; values are compared as aware
datetimes, so the UTC offset is always right. Five queries load everything for a date range."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from core.dates import PARIS

from .enums import STATUTS_ACTIFS
from .models import Absence, Disponibilite, Fermeture, PlageOuverture, RendezVous


@lru_cache(maxsize=16)
def _holidays_for_year(year: int) -> dict:
    # Metropolitan France (no Alsace-Moselle extra days: the Bouches-du-Rhône).
    return dict(holidays.France(years=year, language="fr"))


def public_holiday(day: date) -> str | None:
    """The name of the French public holiday on ``day``, or None."""
    return _holidays_for_year(day.year).get(day)


def local_dt(day: date, at: time) -> datetime:
    return datetime.combine(day, at).replace(tzinfo=PARIS)


@dataclass(frozen=True)
class Creneau:
    debut: datetime
    fin: datetime
    places: int  # how many more bookings this slot accepts
    mediateurs: tuple[int, ...] = ()  # free mediators (ids)


@dataclass
class DeskCalendar:
    """Rules and bookings of one MDS over a date range, loaded once."""

    mds_id: int
    opening: dict[int, list[tuple[time, time]]] = field(default_factory=lambda: defaultdict(list))
    availability: dict[int, dict[int, list[tuple[time, time]]]] = field(default_factory=dict)  # weekday → {med: ranges}
    absences: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=lambda: defaultdict(list))
    closures: list[tuple[date, date, str]] = field(default_factory=list)
    bookings: dict[date, list[tuple[datetime, datetime, int | None]]] = field(default_factory=lambda: defaultdict(list))

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, *, mds, start_date: date, end_date: date, exclude_rendez_vous_id=None):
        cal = cls(mds_id=mds.pk)
        for jour, debut, fin in PlageOuverture.objects.filter(mds=mds).values_list("jour", "debut", "fin"):
            cal.opening[jour].append((debut, fin))
        for ranges in cal.opening.values():
            ranges.sort()
        availability: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        rows = Disponibilite.objects.filter(mds=mds, mediateur__is_active=True, mediateur__memberships__mds=mds)
        for med, jour, debut, fin in rows.order_by().values_list("mediateur_id", "jour", "debut", "fin"):
            availability[jour][med].append((debut, fin))
        cal.availability = availability
        range_start = local_dt(start_date, time.min)
        range_end = local_dt(end_date + timedelta(days=1), time.min)
        for med, debut, fin in Absence.objects.filter(mds=mds, debut__lt=range_end, fin__gt=range_start).values_list(
            "mediateur_id", "debut", "fin"
        ):
            cal.absences[med].append((debut, fin))
        cal.closures = list(
            Fermeture.objects.filter(mds=mds, date_debut__lte=end_date, date_fin__gte=start_date).values_list(
                "date_debut", "date_fin", "libelle"
            )
        )
        bookings = RendezVous.objects.filter(
            mds=mds, statut__in=STATUTS_ACTIFS, debut__lt=range_end, fin__gt=range_start
        )
        if exclude_rendez_vous_id:
            bookings = bookings.exclude(pk=exclude_rendez_vous_id)
        for debut, fin, med in bookings.values_list("debut", "fin", "mediateur_id"):
            cal.bookings[debut.astimezone(PARIS).date()].append((debut, fin, med))
        return cal

    # -- rules ---------------------------------------------------------------------------------
    def closure_reason(self, day: date) -> str | None:
        holiday = public_holiday(day)
        if holiday:
            return f"jour férié : {holiday}"
        for first, last, label in self.closures:
            if first <= day <= last:
                return f"fermeture exceptionnelle : {label}" if label else "fermeture exceptionnelle"
        return None

    def within_opening(self, debut: datetime, fin: datetime) -> bool:
        local_start, local_end = debut.astimezone(PARIS), fin.astimezone(PARIS)
        if local_start.date() != local_end.date() and local_end.time() != time.min:
            return False
        end_t = local_end.time() if local_end.date() == local_start.date() else time.max
        return any(o <= local_start.time() and end_t <= c for o, c in self.opening.get(local_start.weekday(), []))

    def available_mediators(self, debut: datetime, fin: datetime) -> set[int]:
        local_start, local_end = debut.astimezone(PARIS), fin.astimezone(PARIS)
        if local_start.date() != local_end.date():
            return set()
        st, et = local_start.time(), local_end.time()
        found = set()
        for med, ranges in self.availability.get(local_start.weekday(), {}).items():
            if not any(o <= st and et <= c for o, c in ranges):
                continue
            if any(a < fin and b > debut for a, b in self.absences.get(med, ())):
                continue
            found.add(med)
        return found

    def state(self, debut: datetime, fin: datetime) -> tuple[set[int], set[int], int]:
        """(available mediators, free mediators, remaining capacity) for [debut, fin)."""
        available = self.available_mediators(debut, fin)
        busy, unassigned = set(), 0
        for a, b, med in self.bookings.get(debut.astimezone(PARIS).date(), ()):
            if a < fin and b > debut:
                if med is None:
                    unassigned += 1
                elif med in available:
                    busy.add(med)
        free = available - busy
        return available, free, len(free) - unassigned

    # -- slots ---------------------------------------------------------------------------------
    def slots(
        self, *, duree: timedelta, start_date: date, end_date: date, earliest=None, latest=None, mediateur_id=None
    ) -> list[Creneau]:
        """Free slots, stepping by the motif's duration from the start of each opening range.

        Hot loop: works on naive local wall-clock times (the desk never opens during the DST gap
        or fold, 2–3 a.m.) and builds aware datetimes only for the slots it returns."""
        result = []
        earliest_local = earliest.astimezone(PARIS).replace(tzinfo=None) if earliest else None
        latest_local = latest.astimezone(PARIS).replace(tzinfo=None) if latest else None
        absences = {
            med: [
                (a.astimezone(PARIS).replace(tzinfo=None), b.astimezone(PARIS).replace(tzinfo=None)) for a, b in spans
            ]
            for med, spans in self.absences.items()
        }
        day = start_date
        while day <= end_date:
            ranges = self.opening.get(day.weekday())
            if ranges and not self.closure_reason(day):
                avail_day = self.availability.get(day.weekday(), {})
                if mediateur_id is not None:
                    avail_day = {mediateur_id: avail_day[mediateur_id]} if mediateur_id in avail_day else {}
                bookings = [
                    (a.astimezone(PARIS).replace(tzinfo=None), b.astimezone(PARIS).replace(tzinfo=None), med)
                    for a, b, med in self.bookings.get(day, ())
                ]
                for o, c in ranges:
                    cursor = datetime.combine(day, o)
                    close = datetime.combine(day, c)
                    while cursor + duree <= close:
                        end = cursor + duree
                        cursor_next = cursor + duree
                        if (earliest_local is None or cursor >= earliest_local) and (
                            latest_local is None or cursor <= latest_local
                        ):
                            st, et = cursor.time(), end.time()
                            available = {
                                med
                                for med, spans in avail_day.items()
                                if any(a <= st and et <= b for a, b in spans)
                                and not any(x < end and y > cursor for x, y in absences.get(med, ()))
                            }
                            if available:
                                busy, unassigned = set(), 0
                                for a, b, med in bookings:
                                    if a < end and b > cursor:
                                        if med is None:
                                            unassigned += 1
                                        elif med in available:
                                            busy.add(med)
                                free = available - busy
                                if mediateur_id is not None:
                                    # Unassigned bookings use the whole desk's pool.
                                    _, _, capacity = self.state(cursor.replace(tzinfo=PARIS), end.replace(tzinfo=PARIS))
                                    ok = bool(free) and capacity > 0
                                    places = 1
                                else:
                                    places = len(free) - unassigned
                                    ok = places > 0
                                if ok:
                                    result.append(
                                        Creneau(cursor.replace(tzinfo=PARIS), end.replace(tzinfo=PARIS), places,
                                                tuple(sorted(free)))
                                    )  # fmt: skip
                        cursor = cursor_next
            day += timedelta(days=1)
        return result
