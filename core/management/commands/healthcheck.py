"""`manage.py healthcheck beat|worker|ready`: exit 1 when that part is stale (docker-compose health
checks of the beat and worker containers; same thresholds as /healthz/ready)."""

from django.core.management.base import BaseCommand, CommandError

from core import health


class Command(BaseCommand):
    help = "Vérifie le signal de vie de beat, des workers ou l'ensemble (code 1 si en retard)."

    def add_arguments(self, parser):
        parser.add_argument("part", choices=["beat", "worker", "ready"])
        parser.add_argument("--worker-name", help="this worker only (e.g. celery@$HOSTNAME), not any of them")

    def handle(self, *args, part, worker_name=None, **options):
        if not health.check_database():
            raise CommandError("PostgreSQL injoignable")
        signals = health.signals()
        if worker_name:
            signals["worker"] = health.worker_signal(worker_name)
        parts = ["worker", "beat", "outbox"] if part == "ready" else [part]
        bad = {name: signals[name]["status"] for name in parts if signals[name]["status"] != health.OK}
        if part == "ready" and not health.check_redis():
            bad["redis"] = health.ERROR
        if bad:
            raise CommandError(", ".join(f"{name} : {status}" for name, status in bad.items()))
        self.stdout.write("ok")
