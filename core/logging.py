"""Structured logs that carry no personal data.

Two guards: request logs are written by ``RequestLogMiddleware`` with the path only, and every
record goes through ``RedactPersonalDataFilter``, which strips query strings and masks anything
that looks like an e-mail address or a phone number, whatever logger produced it."""

import json
import logging
import re

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
QUERY_RE = re.compile(r"(\?[^\s\"']*)")
REDACTED = "[masqué]"

_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


def redact(text: str) -> str:
    text = QUERY_RE.sub("?" + REDACTED, text)
    text = EMAIL_RE.sub(REDACTED, text)
    return PHONE_RE.sub(REDACTED, text)


class RedactPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = ()
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        # Django attaches the request object to some records: never serialise it.
        if hasattr(record, "request"):
            record.request = None
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key != "request" and isinstance(value, str | int | float | bool | None):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(payload, ensure_ascii=False, default=str)
