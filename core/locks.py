"""PostgreSQL advisory locks under a name, with one key scheme: the 64-bit
``hashtextextended(name, 0)`` computed by PostgreSQL, so two places asking for the same name take
the same lock (no hand-picked integers).

- ``advisory_lock(name)`` — waits for the lock and holds it until the end of the current
  transaction (``pg_advisory_xact_lock``): serialise writes (journal chain, idempotent keys…).
  Must be called inside ``transaction.atomic``.
- ``try_advisory_lock(name)`` — context manager, does not wait: yields True when this session got
  the lock (released on exit), False when someone else holds it (``pg_try_advisory_lock``): one
  runner at a time for a job (the dispatcher, a report production). Held across transactions.
"""

from contextlib import contextmanager

from django.db import connection


def advisory_lock(name: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("advisory_lock() se prend dans une transaction (transaction.atomic).")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])


@contextmanager
def try_advisory_lock(name: str):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [name])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [name])
