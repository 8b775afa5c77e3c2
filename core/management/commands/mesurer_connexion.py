"""Login server time: ``python manage.py mesurer_connexion [--n 60]``.

Each login is a real POST to the allauth login view (form, throttle checks, Argon2id verification,
session creation), in process, for one throw-away account created and removed inside a transaction
that is rolled back at the end. Prints median and p95 (docs/benchmarks.md)."""

import statistics
import time

from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.urls import reverse


class _Rollback(Exception):
    pass


def _percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Mesure le temps serveur d'une connexion (médiane et p95 sur N connexions)."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=60)

    def handle(self, *args, n, **options):
        from core import throttle
        from core.models import User
        from core.roles import Role

        password = "mesure connexion phrase de passe 2026"
        logins, hashes = [], []
        try:
            with transaction.atomic():
                user = User.objects.create(email="mesure.connexion@exemple.invalid", role=Role.MEDIATEUR)
                user.password = make_password(password)
                user.save(update_fields=["password"])
                encoded = user.password
                for _ in range(n):
                    started = time.perf_counter()
                    check_password(password, encoded)
                    hashes.append((time.perf_counter() - started) * 1000)
                for _ in range(n):
                    client = Client()
                    started = time.perf_counter()
                    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
                    logins.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 302:
                        raise RuntimeError("connexion refusée pendant la mesure")
                raise _Rollback
        except _Rollback:
            pass
        throttle.clear_all()
        algorithm = encoded.split("$", 2)[0:2]
        self.stdout.write(f"Hachage : {'$'.join(algorithm)} ({encoded.split('$')[3]})")
        self.stdout.write(
            f"Vérification du mot de passe seule ({n}) : médiane {statistics.median(hashes):.0f} ms, "
            f"p95 {_percentile(hashes, 0.95):.0f} ms"
        )
        self.stdout.write(
            f"Connexion complète, temps serveur ({n}) : médiane {statistics.median(logins):.0f} ms, "
            f"p95 {_percentile(logins, 0.95):.0f} ms"
        )
