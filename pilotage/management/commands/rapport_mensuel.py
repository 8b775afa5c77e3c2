"""python manage.py rapport_mensuel --mois 2026-10 [--mds CODE | --departement] [--sans-email]"""

from django.core.management.base import BaseCommand, CommandError

from core.models import MDS
from pilotage.models import Declencheur, Rapport
from pilotage.periode import mois_courant, parse_mois
from pilotage.services import produire


class Command(BaseCommand):
    help = (
        "Produit (ou reproduit) le rapport mensuel d'activité d'un mois passé : PDF, XLSX et CSV, "
        "mêmes chiffres que la production automatique. Sans --mds : le Département et chaque MDS."
    )

    def add_arguments(self, parser):
        parser.add_argument("--mois", required=True, help="mois au format AAAA-MM, ex. 2026-10")
        parser.add_argument("--mds", help="code de la MDS (ex. MAL)")
        parser.add_argument("--departement", action="store_true", help="seulement le rapport du Département")
        parser.add_argument("--sans-email", action="store_true", help="ne pas prévenir les destinataires")

    def handle(self, *args, **options):
        mois = parse_mois(options["mois"])
        if mois is None:
            raise CommandError("Mois invalide : écrivez AAAA-MM, par exemple 2026-10.")
        if mois >= mois_courant():
            raise CommandError("Le mois doit être terminé (un mois passé).")
        if options["mds"]:
            mds = MDS.objects.filter(code=options["mds"]).first()
            if mds is None:
                raise CommandError(f"MDS inconnue : {options['mds']}.")
            scopes = [mds]
        elif options["departement"]:
            scopes = [None]
        else:
            scopes = [None, *MDS.objects.filter(active=True).order_by("nom")]
        for mds in scopes:
            rapport, _ = Rapport.objects.get_or_create(mois=mois, mds=mds)
            done = produire(rapport_id=rapport.pk, declencheur=Declencheur.COMMANDE, notifier=not options["sans_email"])
            if done is None:
                self.stderr.write(f"{rapport.libelle_perimetre} : production déjà en cours ailleurs, ignoré.")
                continue
            note = " (aucune activité)" if done.sans_activite else ""
            self.stdout.write(
                f"{done.libelle_perimetre} {mois:%Y-%m} v{done.version} empreinte {done.empreinte} "
                f"en {done.duree_secondes:.1f} s{note}"
            )
