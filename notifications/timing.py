"""When messages go out: quiet hours and the per-MDS reminder hours (``Reglages``).

The plan of each kind (when a reminder goes) is the owning app's: it lives in that app's
``notifications.py`` and uses ``at_hour`` and ``reglages`` from here."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from core.dates import PARIS

from .enums import Channel
from .models import Reglages

QUIET_START = time(20, 0)
QUIET_END = time(8, 0)


def in_quiet_hours(when: datetime) -> bool:
    local = when.astimezone(PARIS).time()
    return local >= QUIET_START or local < QUIET_END


def next_allowed(channel: str, when: datetime) -> datetime:
    """No SMS between 20:00 and 08:00 Europe/Paris: postponed to the next 08:00 (e-mail is not)."""
    if channel != Channel.SMS or not in_quiet_hours(when):
        return when
    local = when.astimezone(PARIS)
    day = local.date() if local.time() < QUIET_END else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_END, tzinfo=PARIS)


def reglages(mds) -> Reglages:
    """The reminder hours of ``mds`` (defaults when it has no row)."""
    try:
        return mds.reglages_notifications
    except Reglages.DoesNotExist:
        return Reglages(mds=mds)


def at_hour(day: date, hour: int) -> datetime:
    """``day`` at ``hour``:00, local time."""
    return datetime.combine(day, time(hour, 0), tzinfo=PARIS)
