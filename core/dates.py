"""The one time-zone constant of the project: every local date or hour (opening hours, reminders,
reports) is computed in ``PARIS`` (``settings.TIME_ZONE``, Europe/Paris).

And one way to read a date or a date-time typed in a URL or a form, bounded to a sensible range:
years 1 and 9999 are valid for Python but break every computation around them (a week after
9999-12-31 does not exist) and mean nothing here. Out of the range, the value is treated as invalid."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings

PARIS = ZoneInfo(settings.TIME_ZONE)

MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2099, 12, 31)


def in_range(day: dt.date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


def parse_date_param(value, default: dt.date | None = None) -> dt.date | None:
    """``YYYY-MM-DD`` within [MIN_DATE, MAX_DATE], else ``default``."""
    if not value or not isinstance(value, str) or len(value) > 32:
        return default
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return default
    return day if in_range(day) else default


def parse_datetime_param(value) -> dt.datetime | None:
    """An ISO date-time within the range, else ``None``."""
    if not value or not isinstance(value, str) or len(value) > 40:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if in_range(moment.date()) else None
