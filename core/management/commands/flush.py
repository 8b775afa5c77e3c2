"""``flush`` (empties every table; used between transactional tests) runs as the owner, the only role
that may switch the journals' triggers off — and back on, ``ALWAYS``, whatever happens."""

from django.core.management.commands.flush import Command as FlushCommand

from core.db_roles import as_owner, journal_tables
from core.journal_integrity import disable_triggers_sql, enable_triggers_sql


class Command(FlushCommand):
    def handle(self, **options):
        with as_owner(options["database"]) as connection:
            tables = set(journal_tables()) & set(connection.introspection.table_names())
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(disable_triggers_sql(table))
            try:
                super().handle(**options)
            finally:
                with connection.cursor() as cursor:
                    for table in tables:
                        cursor.execute(enable_triggers_sql(table))
