"""pytest: the same real PostgreSQL and Redis (embedded unless given), a separate Redis database."""

import os

from .base import *  # noqa: F403
from .base import CACHES, DATABASE_OWNER, DATABASES, REDIS_URL

DEBUG = False
# The test database is created and migrated by the owner; tests/conftest.py then switches every
# connection (this process, live server threads, the Celery worker) to the application role.
DATABASES["default"].update(DATABASE_OWNER)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
# Tests share the embedded Redis with `make run`: use another logical database, one per pytest-xdist
# worker (gw0 → 1, gw1 → 2…), so parallel workers never share a broker, a cache or rate-limit counters.
# The Celery worker a test starts inherits PYTEST_XDIST_WORKER, hence the same database.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
TEST_REDIS_URL = REDIS_URL.rsplit("/", 1)[0] + f"/{1 + int(_XDIST_WORKER.removeprefix('gw') or 0)}"
CACHES["default"]["LOCATION"] = TEST_REDIS_URL
CELERY_BROKER_URL = TEST_REDIS_URL
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
