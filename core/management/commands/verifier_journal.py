from django.core.management.base import BaseCommand, CommandError

from core.journal_integrity import JOURNALS


class Command(BaseCommand):
    help = (
        "Vérifie les journaux inaltérables (journal des accès, journal de séance) : chaîne d'empreintes "
        "à clé, numérotation sans trou depuis l'origine ou la dernière purge, points de contrôle. "
        "Signale le premier maillon rompu ; code de sortie 1 en cas d'altération."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--point-de-controle", action="store_true", help="écrire d'abord un point de contrôle de chaque journal"
        )

    def handle(self, *args, **options):
        failures = []
        for label, journal in JOURNALS.items():
            if options["point_de_controle"]:
                journal["checkpoint"]()
            result = journal["verify"]()
            if result.ok:
                self.stdout.write(self.style.SUCCESS(f"{label} intègre : {result.checked} entrée(s) vérifiée(s)."))
                continue
            where = f"premier maillon rompu à l'entrée n° {result.broken_id}" if result.broken_id else "altération"
            failures.append(f"{label} altéré : {where} ({result.reason}), après {result.checked} entrée(s) intègre(s).")
        if failures:
            raise CommandError(" ".join(failures))
