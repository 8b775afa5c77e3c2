"""The one time-zone constant of the project: every local date or hour (opening hours, reminders,
reports) is computed in ``PARIS`` (``settings.TIME_ZONE``, Europe/Paris)."""

from zoneinfo import ZoneInfo

from django.conf import settings

PARIS = ZoneInfo(settings.TIME_ZONE)
