from django.core.management.base import BaseCommand, CommandError

from usagers.journal import verify_chain


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal des accès et signale le premier maillon rompu."

    def handle(self, *args, **options):
        result = verify_chain()
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Journal intègre : {result.checked} entrée(s) vérifiée(s)."))
            return
        raise CommandError(
            f"Journal altéré : premier maillon rompu à l'entrée n° {result.broken_id} ({result.reason}), "
            f"après {result.checked} entrée(s) intègre(s)."
        )
