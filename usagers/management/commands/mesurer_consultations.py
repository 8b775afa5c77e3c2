"""Cost of journaling consultations: ``python manage.py mesurer_consultations [--n 50] [--usagers 20]``.

In a transaction rolled back at the end: creates ``--usagers`` visitors named « Mesure » and a
mediator, then requests the search page that lists them ``--n`` times with a fresh journal window
each time (so every request writes its entries), and prints the median / p95 of the whole page
and of the journal write alone (docs/benchmarks.md)."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import Client
from django.urls import reverse


class _Rollback(Exception):
    pass


def _p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Mesure le surcoût de l'inscription des consultations au journal des accès."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=50)
        parser.add_argument("--usagers", type=int, default=20)

    def handle(self, *args, n, usagers, **options):
        from core.models import MDS, Membership, User
        from core.roles import Role
        from usagers import consultations, middleware
        from usagers.services import create_usager

        pages, writes = [], []
        original = middleware.flush

        def timed_flush(user, pks):
            started = time.perf_counter()
            try:
                return original(user, pks)
            finally:
                writes.append((time.perf_counter() - started) * 1000)

        middleware.flush = timed_flush
        try:
            with transaction.atomic():
                mds = MDS.objects.create(code="ZZM", nom="MDS de mesure", commune="Mesure")
                user = User.objects.create(email="mesure.consultations@exemple.invalid", role=Role.MEDIATEUR)
                Membership.objects.create(user=user, mds=mds)
                for i in range(usagers):
                    create_usager(mds=mds, user=user, reference=f"ZZM-{i:04d}", prenom=f"P{i}", nom="Mesure")
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                for _ in range(n):
                    consultations.DEDUP_MINUTES = 0  # every request writes its entries
                    started = time.perf_counter()
                    response = client.get(reverse("usagers:liste"), {"q": "mesure"})
                    pages.append((time.perf_counter() - started) * 1000)
                    if response.status_code != 200:
                        raise RuntimeError(f"page de recherche : {response.status_code}")
                raise _Rollback
        except _Rollback:
            pass
        finally:
            middleware.flush = original
            consultations.DEDUP_MINUTES = 10
        self.stdout.write(
            f"Page de recherche ({usagers} usagers affichés, {n} fois) : médiane {statistics.median(pages):.1f} ms, "
            f"p95 {_p95(pages):.1f} ms"
        )
        self.stdout.write(
            f"dont inscription au journal (une écriture par page, {len(writes)} écritures) : médiane "
            f"{statistics.median(writes):.1f} ms, p95 {_p95(writes):.1f} ms"
        )
