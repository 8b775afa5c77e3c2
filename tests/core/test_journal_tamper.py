"""With the application's real database role, no way around the journals' append-only rule; and the
triggers themselves hold even for the owner unless it switches them off (which the chain detects)."""

import psycopg2
import pytest
from django.conf import settings

from core.db_roles import journal_tables, separate_roles
from tests.journal_helpers import app_cursor, owner_cursor
from tests.mediation.factories import log
from tests.usagers.factories import UsagerFactory
from usagers import journal
from usagers.enums import OperationJournal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not separate_roles(), reason="un seul rôle PostgreSQL fourni (MIGRATION_DATABASE_URL absent)"),
]

JOURNALS = [
    "usagers_accesjournal",
    "mediation_journalactivite",
    "mediation_journaldemarche",
    "mediation_journaletape",
    "mediation_sceaujournal",
    "core_pointdecontrole",
]


@pytest.fixture
def written(mds_a, mediateur):
    usager = UsagerFactory(mds=mds_a)
    for _ in range(3):
        journal.log_access(user=mediateur, mds=mds_a, operation=OperationJournal.CONSULTATION, usager=usager)
    log(mds_a, mediateur, usager=usager)
    journal.checkpoint()
    from mediation import sceau

    sceau.checkpoint()


def test_every_journal_table_is_registered():
    assert sorted(JOURNALS) == journal_tables()


def test_the_application_role_is_neither_superuser_nor_owner():
    with app_cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls, rolcreaterole FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class WHERE relname = ANY(%s) AND pg_get_userbyid(relowner) = current_user",
            [JOURNALS],
        )
        assert cursor.fetchone() == (0,)
    assert settings.DATABASE_APP["USER"] != settings.DATABASE_OWNER["USER"]


def _attempts(table):
    return {
        "UPDATE": [f"UPDATE {table} SET id = id"],
        "DELETE": [f"DELETE FROM {table}"],
        "TRUNCATE": [f"TRUNCATE {table}"],
        "pgtrigger.ignore": [
            f"SET LOCAL pgtrigger.ignore = '{{{table}:pgtrigger_journal_no_update,"
            f"{table}:pgtrigger_journal_no_delete}}'",
            f"DELETE FROM {table}",
        ],
        "DISABLE TRIGGER": [f"ALTER TABLE {table} DISABLE TRIGGER ALL"],
        "DISABLE TRIGGER USER": [f"ALTER TABLE {table} DISABLE TRIGGER USER"],
        "DROP TRIGGER": [f"DROP TRIGGER {table}_append_only ON {table}"],
        "session_replication_role": ["SET session_replication_role = replica", f"DELETE FROM {table}"],
        "CREATE TRIGGER": [
            f"CREATE TRIGGER contournement BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION mds_journal_refuse()"
        ],
        "OWNER TO": [f"ALTER TABLE {table} OWNER TO current_user"],
        "GRANT to self": [f"GRANT UPDATE, DELETE ON {table} TO current_user", f"DELETE FROM {table}"],
        "DROP TABLE": [f"DROP TABLE {table} CASCADE"],
        "SET ROLE owner": [f"SET ROLE {settings.DATABASE_OWNER['USER']}", f"DELETE FROM {table}"],
    }


@pytest.mark.parametrize("table", JOURNALS)
def test_the_application_connection_cannot_alter_a_journal(written, table):
    with app_cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]
    assert before > 0
    succeeded = []
    for name, statements in _attempts(table).items():
        try:
            with app_cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
            succeeded.append(name)
        except psycopg2.Error:
            pass
    assert not succeeded, f"Contournements acceptés sur {table} : {succeeded}"
    with app_cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert cursor.fetchone()[0] == before
        # Appending still works: the journal is append-only, not read-only.
        cursor.execute("SELECT has_table_privilege(current_user, %s, 'INSERT')", [table])
        assert cursor.fetchone() == (True,)


@pytest.mark.parametrize("table", JOURNALS)
def test_the_triggers_honour_no_session_setting_even_for_the_owner(written, table):
    """The second lock: the triggers refuse UPDATE, DELETE and TRUNCATE whatever the session says
    (pgtrigger.ignore, session_replication_role) — only switching them off works, and that needs
    the owner and is what the keyed chain detects."""
    refused = []
    for setup in (
        [],
        [f"SET LOCAL pgtrigger.ignore = '{{{table}:x}}'"],
        ["SET LOCAL session_replication_role = replica"],
    ):
        for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}", f"TRUNCATE {table} CASCADE"):
            try:
                with owner_cursor() as cursor:
                    for statement in [*setup, sql]:
                        cursor.execute(statement)
            except psycopg2.Error as error:
                refused.append("Journal inaltérable" in str(error))
            else:
                refused.append(False)
    assert refused and all(refused)
    assert journal.verify_chain().ok
