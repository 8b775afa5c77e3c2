"""Occurrences of a recurring séance: RFC 5545 RRULE computed by python-dateutil, minus French public
holidays (``holidays`` library) and the MDS's closures."""

import datetime as dt
from dataclasses import dataclass

import holidays
from dateutil.rrule import WEEKLY, rrule, rrulestr

FREQUENCES = {
    "unique": None,
    "hebdomadaire": 1,
    "quinzaine": 2,
}
MAX_OCCURRENCES = 60


@dataclass(frozen=True)
class Occurrence:
    date: dt.date
    ignoree: str = ""  # why the date is skipped ("" = kept)


def build_rule(*, premier_jour: dt.date, heure: dt.time, frequence: str, jusqu_au: dt.date | None) -> str:
    """The RRULE text (with DTSTART) of a series; a one-off séance is a COUNT=1 rule."""
    start = dt.datetime.combine(premier_jour, heure)
    interval = FREQUENCES[frequence]
    if interval is None:
        rule = rrule(WEEKLY, dtstart=start, count=1)
    else:
        until = dt.datetime.combine(jusqu_au or premier_jour, dt.time(23, 59))
        rule = rrule(WEEKLY, interval=interval, dtstart=start, until=until, count=None)
    return str(rule)


def jours_feries(annees) -> dict:
    return holidays.country_holidays("FR", years=sorted(set(annees)), language="fr")


def occurrences(regle: str, *, fermetures=()) -> list[Occurrence]:
    """Every date the rule produces (at most MAX_OCCURRENCES), with the reason it is skipped:
    a French public holiday or a closure (objects with ``date_debut``/``date_fin``/``motif``)."""
    dates = [d.date() for _, d in zip(range(MAX_OCCURRENCES), rrulestr(regle), strict=False)]
    if not dates:
        return []
    feries = jours_feries(range(dates[0].year, dates[-1].year + 1))
    result = []
    for day in dates:
        reason = ""
        if day in feries:
            reason = f"jour férié ({feries.get(day)})"
        else:
            for fermeture in fermetures:
                if fermeture.date_debut <= day <= fermeture.date_fin:
                    reason = f"fermeture de la MDS{' : ' + fermeture.motif if fermeture.motif else ''}"
                    break
        result.append(Occurrence(day, reason))
    return result
