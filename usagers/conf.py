"""Retention settings of visitor data (Django setting, else environment variable, else default)."""

import os

from django.conf import settings


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
