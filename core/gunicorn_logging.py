"""gunicorn's access and error logs without secrets (``logger_class`` in config/gunicorn.conf.py).

The access log line is built from « atoms » (request line, path, query string, referer, headers…).
``RedactingLogger`` drops the query string everywhere and passes every text atom through
``core.logging.redact``: the secret part of token URLs (password-reset keys, screen tokens, SMS
cancellation links…) becomes « [masqué] », e-mail addresses and phone numbers too. The error log
(« Invalid request from… », tracebacks) goes through the same function."""

from gunicorn.glogging import Logger

from core.logging import redact


def _without_query(value: str) -> str:
    return value.split("?", 1)[0]


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = ""
        method, protocol = environ.get("REQUEST_METHOD", "-"), environ.get("SERVER_PROTOCOL", "-")
        atoms["r"] = f"{method} {redact(_without_query(environ.get('RAW_URI', '') or '-'))} {protocol}"
        for key, value in list(atoms.items()):
            if key not in ("r", "q") and isinstance(value, str):
                atoms[key] = redact(_without_query(value) if key in ("f", "{referer}i", "U") else value)
        return atoms

    def error(self, msg, *args, **kwargs):
        super().error(redact(str(msg % args if args else msg)), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(redact(str(msg % args if args else msg)), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(redact(str(msg % args if args else msg)), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(redact(str(msg % args if args else msg)), **kwargs)
