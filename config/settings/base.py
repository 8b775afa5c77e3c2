"""Settings shared by every mode. Everything comes from the environment (django-environ),
with safe defaults for the embedded mode of `make run`."""

from pathlib import Path
from urllib.parse import unquote

import environ
from csp.constants import NONCE, NONE, SELF

from core import devservers

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "django_celery_beat",
    "pgtrigger",
    "phonenumber_field",
    "csp",
    "core",
    "usagers",
    "notifications",
    "accueil",
    "accueil.borne",
    "mediation",
    "ateliers",
    "pilotage",
    "interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestLogMiddleware",
    "core.input_guard.HostileInputMiddleware",
    # PostgreSQL down → French 503 page rendered without the database (before sessions and users).
    "core.outage.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.cache_headers.NoStoreForStaffMiddleware",
    "accueil.borne.middleware.BorneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "core.middleware.CurrentMDSMiddleware",
    "core.middleware.MFARequiredMiddleware",
    # After the MFA door: every visitor a staff page showed is journaled, one write per request.
    "usagers.middleware.ConsultationJournalMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "core.context_processors.desk",
                "interop.context_processors.alertes",
            ],
        },
    }
]

# --- Data stores: one code path decides embedded vs given servers (core/devservers.py) ----------
# Two roles (docs/securite.md): DATABASE_URL is the application's role (web, worker, beat), which
# cannot UPDATE/DELETE/TRUNCATE the journals nor disable their triggers; MIGRATION_DATABASE_URL is the
# owner, used only by `migrate` (core/management/commands/migrate.py) and the test database set-up.


def _database(url: str) -> dict:
    config = env.db_url_config(url)
    # A Unix-socket directory travels percent-encoded in the URL's host part.
    config["HOST"] = unquote(config["HOST"] or "")
    return config


DATABASES = {"default": _database(devservers.database_url())}
_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
DATABASE_APP = {k: DATABASES["default"].get(k) or "" for k in _CREDENTIALS}
DATABASE_OWNER = {k: v or "" for k, v in _database(devservers.migration_database_url()).items() if k in _CREDENTIALS}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = devservers.redis_url()
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "mds",
        "OPTIONS": {
            "CLIENT_CLASS": "django_redis.client.DefaultClient",
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 15 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 14 * 60
CELERY_TIMEZONE = "Europe/Paris"
# django-celery-beat's DatabaseScheduler, made to survive database outages and to catch up on
# schedules missed while beat was down (core/beat.py, docs/operations.md).
CELERY_BEAT_SCHEDULER = "core.beat:ResilientScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

# --- Operations: signs of life and the thresholds of /healthz/ready (docs/operations.md) -----------
MDS_WORKER_HEARTBEAT_SECONDS = env.int("MDS_WORKER_HEARTBEAT_SECONDS", default=30)
MDS_BEAT_TICK_RECORD_SECONDS = env.int("MDS_BEAT_TICK_RECORD_SECONDS", default=30)
MDS_BEAT_FULL_SYNC_SECONDS = env.int("MDS_BEAT_FULL_SYNC_SECONDS", default=300)
HEALTH_WORKER_STALE_SECONDS = env.int("HEALTH_WORKER_STALE_SECONDS", default=120)
HEALTH_BEAT_STALE_SECONDS = env.int("HEALTH_BEAT_STALE_SECONDS", default=120)
# A due message still unsent after this delay means the dispatcher is not keeping up.
HEALTH_OUTBOX_LATE_SECONDS = env.int("HEALTH_OUTBOX_LATE_SECONDS", default=600)
# Seconds announced in Retry-After by the "service indisponible" page (database down).
OUTAGE_RETRY_AFTER_SECONDS = 30

# --- Accounts (django-allauth) --------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home"
ACCOUNT_ADAPTER = "core.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "core.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[MDS connectée] "
# Login and TOTP throttling is ours (core/throttle.py: per account, per address+account, credential
# stuffing, short TOTP delay; PostgreSQL fallback when Redis is down): allauth's own cache-based
# limits on those steps are off — its IP-wide "login" limit would lock a whole office out.
ACCOUNT_RATE_LIMITS = {
    "login": None,
    "login_failed": None,
    "reauthenticate": None,
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}
MFA_FORMS = {
    "authenticate": "core.forms.TOTPAuthenticateForm",
    "reauthenticate": "core.forms.TOTPReauthenticateForm",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "MDS connectée"
# Roles that must set up TOTP before anything else (core.middleware.MFARequiredMiddleware).
MFA_REQUIRED_ROLES = ["directeur", "coordinateur", "admin"]

# Argon2id (core/hashers.py); older PBKDF2 hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "core.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Forms ----------------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
PHONENUMBER_DEFAULT_REGION = "FR"
PHONENUMBER_DEFAULT_FORMAT = "NATIONAL"

# --- I18n -----------------------------------------------------------------------------------------
# Staff screens are in French whatever the browser asks (no LocaleMiddleware); the kiosk switches
# language per request from the visitor's choice (accueil.borne.decorators.kiosk_view).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"  # core.dates.PARIS
USE_I18N = True
USE_TZ = True

# --- Static files (all self-hosted) ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media"))
MEDIA_URL = "/media/"

# --- E-mail ---------------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="MDS connectée <ne-pas-repondre@mds.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 10 * 60 * 60  # one working day
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No request from any page to a third-party host: the policy only admits our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Logging: structured, and never any personal data (see core/logging.py) ----------------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "core.logging.RedactPersonalDataFilter"}},
    "formatters": {
        "json": {"()": "core.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Replaced by core.middleware.RequestLogMiddleware, which never logs query strings.
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.db.backends": {"level": "WARNING"},
        "celery": {"level": "INFO"},
    },
}

# --- Journals: key of the hash chains (docs/securite.md). Never stored in the database; the default
# below is for development and tests only — production settings refuse it.
DEV_JOURNAL_HMAC_KEY = "dev-only-journal-hmac-key-never-in-production-0123456789"
JOURNAL_HMAC_KEY = env("JOURNAL_HMAC_KEY", default=DEV_JOURNAL_HMAC_KEY)

# --- Domain settings --------------------------------------------------------------------------------
MDS_SITE_NAME = "MDS connectée"
MDS_DEPARTEMENT_NAME = env("MDS_DEPARTEMENT_NAME", default="Département des Bouches-du-Rhône")

# Rows per page of every paginated desk list (core.pagination.paginate).
PAGE_SIZE = 25
# Interoperability (docs/interop.md)
INTEROP_API_RATE = env("INTEROP_API_RATE", default="600/h")  # per API client
INTEROP_DEPARTEMENT_CODE = env("INTEROP_DEPARTEMENT_CODE", default="13")
INTEROP_DATA_INCLUSION_FICHIERS = env.list("INTEROP_DATA_INCLUSION_FICHIERS", default=[])
