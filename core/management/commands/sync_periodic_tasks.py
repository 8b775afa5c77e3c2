from django.core.management.base import BaseCommand

from core.periodic import sync


class Command(BaseCommand):
    help = "(Re)crée dans django-celery-beat les tâches périodiques déclarées dans le code."

    def handle(self, *args, **options):
        count, removed = sync()
        self.stdout.write(f"{count} tâche(s) périodique(s) à jour, {removed} supprimée(s).")
