"""Keyed hashes of the journals: HMAC-SHA256 with ``JOURNAL_HMAC_KEY`` (from the environment, never
from the database — docs/securite.md)."""

import datetime as dt
import hashlib
import hmac

from django.conf import settings


def keyed_hash(*parts) -> str:
    payload = "|".join("" if part is None else str(part) for part in parts)
    return hmac.new(settings.JOURNAL_HMAC_KEY.encode(), payload.encode(), hashlib.sha256).hexdigest()


def timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
