"""python manage.py bench_pilotage [--requetes 20] [--mois 2026-10] [--sans-rapport]

Server time of the dashboards (in-process Django test client: everything but the network) and of
the Département's monthly report, on whatever data the database holds (see seed_demo --scale
departement). Prints a Markdown table for docs/benchmarks.md."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from core.models import MDS, Membership, User
from core.roles import Role
from pilotage.models import Rapport
from pilotage.periode import parse_mois
from pilotage.rapports import mois_precedent
from pilotage.services import produire


def _user(email, role, mds=None):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user, created = User.objects.get_or_create(email=email, defaults={"role": role, "first_name": "Banc d'essai"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    if mds is not None:
        Membership.objects.get_or_create(user=user, mds=mds)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return user


def _client(user) -> Client:
    """A logged-in test client whose session records the TOTP step (as a real sign-in would): the
    pilotage roles need MFA, and a bare ``force_login`` session is sent to the TOTP page."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )
    from allauth.mfa.models import Authenticator

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "id": totp.pk if totp else None, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
    return client


def mds_la_plus_active(mois):
    """The MDS with the most session-log entries since ``mois`` (its director is measured)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mds_id FROM mediation_journalactivite WHERE date >= %s GROUP BY mds_id "
            "ORDER BY COUNT(*) DESC LIMIT 1",
            [mois],
        )
        row = cursor.fetchone()
    return MDS.objects.get(pk=row[0]) if row else MDS.objects.order_by("pk").first()


def _pct(values, q):
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Mesure le temps serveur des tableaux de bord et du rapport mensuel départemental."

    def add_arguments(self, parser):
        parser.add_argument("--requetes", type=int, default=20)
        parser.add_argument("--mois", help="mois mesuré (AAAA-MM), par défaut le mois précédent")
        parser.add_argument("--sans-rapport", action="store_true")

    def handle(self, *args, **options):
        mois = parse_mois(options["mois"]) if options["mois"] else mois_precedent()
        if mois is None:
            raise CommandError("Mois invalide (AAAA-MM).")
        n = max(1, options["requetes"])
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT COUNT(*) FROM core_mds), (SELECT COUNT(*) FROM mediation_journalactivite), "
                "(SELECT COUNT(*) FROM mediation_journaldemarche), (SELECT COUNT(*) FROM mediation_journaletape), "
                "(SELECT COUNT(*) FROM mediation_accompagnement), (SELECT COUNT(*) FROM mediation_etaperealisee)"
            )
            n_mds, n_act, n_dem, n_etapes, n_acc, n_etapes_travail = cursor.fetchone()
        biggest = mds_la_plus_active(mois)
        if biggest is None:
            raise CommandError("Aucune MDS : lancez d'abord seed_demo --scale departement.")
        directeur = _user("banc-directeur@bench.mds13.fr", Role.DIRECTEUR, biggest)
        coordinateur = _user("banc-coordinateur@bench.mds13.fr", Role.COORDINATEUR)
        self.stdout.write(
            f"Données : {n_mds} MDS, {n_acc} accompagnements ({n_etapes_travail} étapes), journal : {n_act} "
            f"activités, {n_dem} démarches, {n_etapes} étapes. Mois mesuré : {mois:%Y-%m}, {n} requêtes."
        )
        rows = []
        for label, user, url, params in [
            ("Tableau de bord directeur (mois)", directeur, reverse("pilotage:mds"), {"periode": "mois"}),
            ("Tableau de bord directeur (12 mois)", directeur, reverse("pilotage:mds"), {"periode": "12mois"}),
            ("Tableau de bord Département (mois)", coordinateur, reverse("pilotage:departement"), {"periode": "mois"}),
            ("Tableau de bord Département (12 mois)", coordinateur, reverse("pilotage:departement"),
             {"periode": "12mois"}),
        ]:  # fmt: skip
            client = _client(user)
            params = {**params, "mois": f"{mois:%Y-%m}"}
            for _ in range(2):  # warm-up (connections, template cache)
                assert client.get(url, params).status_code == 200
            times = []
            for _ in range(n):
                start = time.perf_counter()
                response = client.get(url, params)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
            rows.append((label, statistics.median(times), _pct(times, 0.95), max(times)))
        self.stdout.write("")
        self.stdout.write("| Mesure | médiane | p95 | max |")
        self.stdout.write("|---|---:|---:|---:|")
        for label, med, p95, top in rows:
            self.stdout.write(f"| {label} | {med:.0f} ms | {p95:.0f} ms | {top:.0f} ms |")
        if not options["sans_rapport"]:
            rapport, _ = Rapport.objects.get_or_create(mois=mois, mds=None)
            start = time.perf_counter()
            done = produire(rapport_id=rapport.pk, declencheur="commande", notifier=False)
            elapsed = time.perf_counter() - start
            sizes = ", ".join(f"{ext.upper()} {getattr(done, ext).size // 1024} Ko" for ext in ("pdf", "xlsx", "csv"))
            self.stdout.write(f"| Rapport mensuel du Département (PDF + XLSX + CSV) | {elapsed:.1f} s | | | ({sizes})")
