"""Structured logs that carry no personal data.

Two guards: request logs are written by ``RequestLogMiddleware`` with the path only, and every
record goes through ``RedactPersonalDataFilter``, which strips query strings, masks the secret part
of every URL that carries a token or a key (found in the URLconf: password-reset and e-mail
confirmation keys, waiting-room screen tokens, SMS cancellation links…) and anything that looks like
an e-mail address or a phone number, whatever logger produced it. gunicorn's access log goes through
the same ``redact`` (core/gunicorn_logging.py)."""

import json
import logging
import re

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"(?<!\d)(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)")
QUERY_RE = re.compile(r"(\?[^\s\"']*)")
REDACTED = "[masqué]"
# Used only when the URLconf cannot be read (process without Django set up).
FALLBACK_SECRET_PATHS_RE = re.compile(
    r"(/accounts/password/reset/key/|/accounts/confirm-email/|/accueil/ecran/|/borne/a/|/accounts/invitation/)"
    r"[^\s/?\"']+"
)

_STANDARD_ATTRS = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


# URL parameters that are secrets: whoever reads them in a log could use them.
SECRET_KWARGS = {"key", "token", "jeton", "uidb36", "uidb64", "cle", "secret", "code_appairage"}
_secret_routes = None


def _route_regex(pattern) -> str:
    regex = pattern.regex.pattern
    regex = regex[1:] if regex.startswith("^") else regex
    for end in ("\\Z", "$"):
        if regex.endswith(end):
            regex = regex[: -len(end)]
    return regex


def secret_routes() -> list[re.Pattern]:
    """One regular expression per URL of the URLconf that has a secret parameter (computed once)."""
    global _secret_routes
    if _secret_routes is None:
        from django.urls import URLResolver, get_resolver

        found = []

        def visit(resolver, prefix):
            for entry in resolver.url_patterns:
                regex = prefix + _route_regex(entry.pattern)
                if isinstance(entry, URLResolver):
                    visit(entry, regex)
                elif SECRET_KWARGS & set(entry.pattern.regex.groupindex):
                    found.append(re.compile("/" + regex + r"(?=$|[\s?\"'#,])"))

        visit(get_resolver(), "")
        _secret_routes = found
    return _secret_routes


def redact_secret_paths(text: str) -> str:
    """``/accueil/ecran/abc123/`` → ``/accueil/ecran/[masqué]/`` for every URL with a secret part."""
    if "/" not in text:
        return text
    for route in secret_routes():

        def mask(match, route=route):
            value, start = match.group(), match.start()
            for name in SECRET_KWARGS & set(route.groupindex):
                if match.group(name) is not None:
                    begin, end = match.span(name)
                    value = value[: begin - start] + "\0" * (end - begin) + value[end - start :]
            return re.sub("\0+", REDACTED, value)

        text = route.sub(mask, text)
    return text


def redact(text: str) -> str:
    text = QUERY_RE.sub("?" + REDACTED, text)
    try:
        text = redact_secret_paths(text)
    except Exception:  # noqa: BLE001 — Django not configured (gunicorn master): fall back on known routes
        text = FALLBACK_SECRET_PATHS_RE.sub(lambda m: m.group(1) + REDACTED, text)
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
