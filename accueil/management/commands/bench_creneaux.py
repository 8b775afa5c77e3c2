"""Benchmark of the slot selector: 60 days of free slots for each demo MDS and motif.

python manage.py seed_demo && python manage.py bench_creneaux [--days 60] [--repeat 20]
"""

import statistics
import time
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accueil.models import Motif, RendezVous
from accueil.selectors import free_slots
from core.models import MDS


class Command(BaseCommand):
    help = "Mesure le calcul des créneaux libres (objectif : < 50 ms pour 60 jours d'une MDS)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=60)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, days, repeat, **options):
        start = timezone.localdate()
        end = start + timedelta(days=days - 1)
        self.stdout.write(f"Créneaux libres sur {days} jours ({start} → {end}), {repeat} mesures par cas")
        for mds in MDS.objects.filter(motifs__isnull=False).distinct().order_by("code"):
            booked = RendezVous.objects.filter(mds=mds, debut__date__gte=start).count()
            for motif in Motif.objects.filter(mds=mds, actif=True):
                # Long horizon so that the whole period is computed.
                motif.horizon_jours = max(motif.horizon_jours, days)
                free_slots(mds=mds, motif=motif, start_date=start, end_date=end)  # warm-up
                timings = []
                for _ in range(repeat):
                    reset_queries()
                    t0 = time.perf_counter()
                    with CaptureQueriesContext(connection) as queries:
                        slots = free_slots(mds=mds, motif=motif, start_date=start, end_date=end)
                    timings.append((time.perf_counter() - t0) * 1000)
                self.stdout.write(
                    f"{mds.code} · {motif.libelle[:34]:<34} · {motif.duree_minutes:>3} min · "
                    f"{len(slots):>4} créneaux · {booked:>4} rdv à venir · {len(queries)} requêtes · "
                    f"médiane {statistics.median(timings):6.1f} ms · max {max(timings):6.1f} ms"
                )
