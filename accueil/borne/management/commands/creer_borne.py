from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from accueil.borne import services
from accueil.borne.codes import format_code
from core.models import MDS


class Command(BaseCommand):
    help = "Crée une borne pour une MDS et affiche son lien d'appairage (valable 24 h, une seule fois)."

    def add_arguments(self, parser):
        parser.add_argument("--mds", required=True, help="Code de la MDS, ex. MAL")
        parser.add_argument("--nom", default="Borne de la salle d'attente")
        parser.add_argument("--site-url", default=settings.SITE_URL, help="Adresse du site (défaut : SITE_URL)")

    def handle(self, *args, **options):
        try:
            mds = MDS.objects.get(code__iexact=options["mds"])
        except MDS.DoesNotExist as error:
            raise CommandError(f"MDS inconnue : {options['mds']}") from error
        borne, code = services.creer_borne(mds=mds, nom=options["nom"])
        lien = options["site_url"].rstrip("/") + reverse("borne:appairer") + f"?code={code}"
        self.stdout.write(f"Borne n° {borne.pk} créée pour {mds.nom}.")
        self.stdout.write(f"Code d'appairage : {format_code(code)}")
        self.stdout.write(f"Lien d'appairage : {lien}")
