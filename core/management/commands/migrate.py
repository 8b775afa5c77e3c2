"""``migrate`` runs as the owner role (``MIGRATION_DATABASE_URL``), then grants the application role
its rights — never UPDATE/DELETE/TRUNCATE on the journals (core/db_roles.py)."""

from django.core.management.commands.migrate import Command as MigrateCommand

from core.db_roles import as_owner, grant_app_privileges


class Command(MigrateCommand):
    def handle(self, *args, **options):
        with as_owner(options["database"]):
            super().handle(*args, **options)
            grant_app_privileges(options["database"])
