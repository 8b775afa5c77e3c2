from django.core.management.base import BaseCommand, CommandError

from interop.datainclusion import importer


class Command(BaseCommand):
    help = (
        "Importe les structures et services data·inclusion du Département dans l'annuaire des partenaires "
        "(un fichier combiné, ou structures.json puis services.json). Les partenaires saisis à la main ne "
        "sont jamais modifiés."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichiers", nargs="+", help="fichier(s) JSON de l'export data·inclusion")

    def handle(self, *args, fichiers, **options):
        run = importer(*fichiers)
        if run.erreur:
            raise CommandError(f"Import impossible : {run.erreur}")
        self.stdout.write(
            f"{run.structures_lues} structure(s) et {run.services_lus} service(s) lus : {run.crees} partenaire(s) "
            f"créé(s), {run.mis_a_jour} mis à jour, {run.desactives} désactivé(s)."
        )
        for row in run.ignores:
            self.stdout.write(f"  ignoré — {row['ligne']} : {row['raison']}")
