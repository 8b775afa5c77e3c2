"""The two database roles (docs/securite.md, « Deux rôles PostgreSQL »).

- The **owner** (``MIGRATION_DATABASE_URL``) owns the schema; only ``migrate`` (and the test database
  set-up) connects with it.
- The **application role** (``DATABASE_URL``: web server, Celery worker and beat) is neither owner
  nor superuser. After every ``migrate`` it is granted the ordinary rights on every table, except on
  the append-only journals (models with ``APPEND_ONLY_JOURNAL = True``): SELECT and INSERT only —
  no UPDATE, DELETE, TRUNCATE, TRIGGER. Not being the owner, it cannot ``ALTER TABLE … DISABLE
  TRIGGER``; not being superuser, it cannot ``SET session_replication_role``; the triggers themselves
  (core/journal_integrity.py) read no session setting, so ``SET pgtrigger.ignore`` changes nothing.
"""

import contextlib

from django.apps import apps
from django.conf import settings
from django.db import connections

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def journal_models() -> list:
    return [model for model in apps.get_models() if getattr(model, "APPEND_ONLY_JOURNAL", False)]


def journal_tables() -> list[str]:
    return sorted(model._meta.db_table for model in journal_models())


def _same(a: dict, b: dict) -> bool:
    return all(str(a.get(k) or "") == str(b.get(k) or "") for k in CREDENTIALS)


def separate_roles() -> bool:
    """False when only one role was given (``DATABASE_URL`` without ``MIGRATION_DATABASE_URL``)."""
    return settings.DATABASE_OWNER["USER"] != settings.DATABASE_APP["USER"]


@contextlib.contextmanager
def as_owner(alias: str = "default"):
    """Run the block on a connection made with the owner's credentials (this thread only)."""
    connection = connections[alias]
    if _same(connection.settings_dict, settings.DATABASE_OWNER):
        yield connection
        return
    original = connection.settings_dict
    connection.close()
    connection.settings_dict = {**original, **settings.DATABASE_OWNER}
    try:
        yield connection
    finally:
        connection.close()
        connection.settings_dict = original


def use_credentials(credentials: dict, alias: str = "default") -> None:
    """Switch every future connection of ``alias`` (all threads, child processes told through
    ``settings_dict``) to ``credentials``. Used by the test set-up to run the suite as the app role."""
    connection = connections[alias]
    connection.close()
    connection.settings_dict.update(credentials)
    settings.DATABASES[alias].update(credentials)


def grant_app_privileges(alias: str = "default") -> None:
    """Give the application role its rights (idempotent; run by ``migrate`` as the owner)."""
    if not separate_roles():
        return
    connection = connections[alias]
    app = connection.ops.quote_name(settings.DATABASE_APP["USER"])
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {app}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {app}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {app}")
        cursor.execute(f"GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {app}")
        for table in journal_tables():
            cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER, REFERENCES ON {table} FROM {app}, PUBLIC")
