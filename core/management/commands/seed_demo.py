"""Demo data for every app, idempotent. Each app contributes a ``seed(context)`` in its ``demo.py``;
they run in dependency order and share ``context`` (MDS, users, visitors…)."""

import importlib
import random

from django.core.management.base import BaseCommand

from core.demo_accounts import accounts_table

SEED_ORDER = ["core", "usagers", "notifications", "accueil", "accueil.borne", "mediation", "ateliers", "pilotage"]


class Command(BaseCommand):
    help = "Crée les données de démonstration (3 MDS, un compte par rôle, activité réaliste). Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["demo", "departement"], default="demo")
        parser.add_argument("--seed", type=int, default=13, help="graine du générateur aléatoire")
        parser.add_argument(
            "--fraction",
            type=float,
            default=None,
            help="avec --scale departement : part du volume à produire (ex. 0.1 pour un dixième)",
        )
        parser.add_argument("--quiet-accounts", action="store_true", help="ne pas afficher les comptes")

    def handle(self, *args, **options):
        context = {
            "rng": random.Random(options["seed"]),
            "scale": options["scale"],
            "fraction": options["fraction"],
            "stdout": self.stdout,
        }
        for label in SEED_ORDER:
            try:
                module = importlib.import_module(f"{label}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{label}.demo":
                    raise
                continue
            self.stdout.write(f"Données de démonstration : {label}…")
            module.seed(context)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        if not options["quiet_accounts"]:
            self.stdout.write(accounts_table())
