"""Median server time of the « Terminer » request of the logging screen, on the current data
(run after ``seed_demo``). Every request runs the whole Django stack in-process (middleware,
permissions, form parsing, service, session log); everything is rolled back at the end."""

import statistics
import time
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core.models import MDS, User
from core.roles import Role
from mediation.models import Accompagnement, Demarche
from mediation.selectors import demarches_frequentes
from usagers.models import Usager


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Mesure le temps serveur médian de l'enregistrement d'un accompagnement (données de démo)."

    def add_arguments(self, parser):
        parser.add_argument("--mds", default="MAL", help="code de la MDS (défaut : MAL)")
        parser.add_argument("-n", type=int, default=40, help="nombre d'enregistrements mesurés")
        parser.add_argument("--echauffement", type=int, default=3, help="requêtes non mesurées au début")

    def handle(self, *args, **options):
        mds = MDS.objects.filter(code=options["mds"]).first()
        if mds is None:
            raise CommandError("MDS introuvable : lancez d'abord « manage.py seed_demo ».")
        user = User.objects.filter(memberships__mds=mds, role=Role.MEDIATEUR, is_active=True).first()
        if user is None:
            raise CommandError("Aucun médiateur dans cette MDS.")
        usagers = list(Usager.objects.for_mds(mds).not_anonymized().values_list("pk", flat=True)[:200]) or [None]
        demarches = demarches_frequentes(mds=mds, limit=8) or list(Demarche.objects.filter(actif=True)[:8])
        existing = Accompagnement.objects.for_mds(mds).count()
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        url = reverse("mediation:commencer")
        timings = []
        try:
            with transaction.atomic():
                warmup = options["echauffement"]
                for i in range(options["n"] + warmup):
                    d = demarches[i % len(demarches)]
                    data = {
                        "cle": str(uuid.uuid4()),
                        "usager": str(usagers[i % len(usagers)] or ""),
                        "source": "aller_vers",
                        "date": "2026-03-10",
                        "debut": "10:00",
                        "duree": "30",
                        "type_lieu": "lieu_activite",
                        "bloc": ["d1"],
                        "d1-demarche": str(d.pk),
                        "d1-etape": list(d.etapes_defaut),
                        "d1-resultat": "finalisee",
                    }
                    for n, code in enumerate(d.etapes_defaut):
                        data[f"d1-posture-{code}"] = "faire_faire" if n == 1 else "avec"
                    if "validation_envoi" in d.etapes_defaut:
                        data["d1-posture-validation_envoi"] = "avec"
                    start = time.perf_counter()
                    response = client.post(url, data, HTTP_HX_REQUEST="true")
                    if i >= warmup:
                        timings.append((time.perf_counter() - start) * 1000)
                    if response.status_code != 204:
                        raise CommandError(f"Réponse inattendue {response.status_code} pour {d.code}")
                raise Rollback
        except Rollback:
            pass
        timings.sort()
        p90 = timings[int(len(timings) * 0.9) - 1] if len(timings) >= 10 else max(timings)
        self.stdout.write(
            f"MDS {mds.code} ({existing} accompagnements existants) — {len(timings)} enregistrements « Terminer » : "
            f"médiane {statistics.median(timings):.1f} ms, p90 {p90:.1f} ms, max {max(timings):.1f} ms "
            "(temps serveur, pile Django complète, données annulées ensuite)."
        )
