"""Real PostgreSQL connections made with each role, for the journal tamper tests."""

import contextlib

import psycopg2
from django.conf import settings
from django.db import connection

from core.journal_integrity import disable_triggers_sql, enable_triggers_sql


@contextlib.contextmanager
def role_cursor(credentials: dict):
    """A cursor on the test database, logged in with ``credentials`` (one transaction, committed at
    the end of the block unless it raised)."""
    conn = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=credentials["USER"],
        password=credentials["PASSWORD"] or None,
        host=credentials["HOST"] or None,
        port=credentials["PORT"] or None,
    )
    try:
        with conn.cursor() as cursor:
            yield cursor
        conn.commit()
    finally:
        conn.close()


def app_cursor():
    return role_cursor(settings.DATABASE_APP)


def owner_cursor():
    return role_cursor(settings.DATABASE_OWNER)


def tamper(table: str, sql: str, params=()):
    """What the owner (a DBA, a stolen superuser password) could do: switch the triggers off, change
    rows, switch them back on. Only the keyed chain and the checkpoints can tell."""
    with owner_cursor() as cursor:
        cursor.execute(disable_triggers_sql(table))
        cursor.execute(sql, params)
        cursor.execute(enable_triggers_sql(table))
