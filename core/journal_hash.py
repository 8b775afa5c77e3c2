"""The keyed hash of the journals (HMAC-SHA256, key ``JOURNAL_HMAC_KEY`` from the environment) and
the timestamp format it hashes. Kept apart from ``core.journal_integrity`` so that models can hash
without importing the integrity machinery (which reads the models)."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings


def keyed_hash(*parts) -> str:
    payload = "|".join("" if part is None else str(part) for part in parts)
    return hmac.new(settings.JOURNAL_HMAC_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
