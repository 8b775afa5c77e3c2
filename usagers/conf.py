"""Retention settings of visitor data (Django setting, else environment variable, else default)."""

import datetime as dt
import os

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from core.dates import PARIS


def _months_setting(name: str, default: int) -> int:
    """A Django setting if defined, else the environment variable of the same name, else ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name) or default
    return int(value)


def retention_months() -> int:
    """Months without contact after which a visitor is anonymized (domain brief §8: 2 years)."""
    return _months_setting("USAGERS_RETENTION_MONTHS", 24)


def journal_retention_months() -> int:
    """Months the access journal is kept (CNIL délibération 2021-122: 6 to 12 months)."""
    return _months_setting("JOURNAL_RETENTION_MONTHS", 12)


def rendez_vous_retention_months() -> int:
    """Months after which appointments, desk passages and atelier registrations lose what ties them
    to a person (domain brief §8: appointment records 2 years); the rows stay for the statistics."""
    return _months_setting("RENDEZ_VOUS_RETENTION_MONTHS", 24)


def rendez_vous_limite(now=None):
    """Midnight (Paris) of the first day whose appointments, passages and atelier séances are kept
    as they are: rows of earlier days are anonymized."""
    today = (now or timezone.now()).astimezone(PARIS).date()
    first_kept = today - relativedelta(months=rendez_vous_retention_months())
    return dt.datetime.combine(first_kept, dt.time.min, tzinfo=PARIS)
