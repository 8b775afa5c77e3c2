"""Production: secrets and hosts must come from the environment; HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_JOURNAL_HMAC_KEY, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Whether the request came over HTTPS is decided by gunicorn (wsgi.url_scheme), which believes
# X-Forwarded-Proto only from FORWARDED_ALLOW_IPS (the reverse proxy; config/gunicorn.conf.py). Django
# reading the header itself would believe any client that reaches gunicorn directly. Behind another
# WSGI server that cannot do this, set TRUST_X_FORWARDED_PROTO=1 and make sure only the proxy reaches it.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("TRUST_X_FORWARDED_PROTO", False) else None
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# The journals' HMAC key: required, long, and not the development default (docs/securite.md).
JOURNAL_HMAC_KEY = env("JOURNAL_HMAC_KEY")
if JOURNAL_HMAC_KEY == DEV_JOURNAL_HMAC_KEY or len(JOURNAL_HMAC_KEY) < 32:
    raise ImproperlyConfigured("JOURNAL_HMAC_KEY : clé de 32 caractères au moins, propre à ce déploiement.")
