"""Measure the dispatcher's throughput against the local fake Brevo server (no real SMS sent).

    python manage.py bench_notifications --count 500

Creates ``count`` due SMS in the outbox (about a throwaway visitor of a throwaway MDS), runs the
dispatcher until they are all sent, prints messages/second, then deletes everything it created."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from core.models import MDS
from notifications import registry
from notifications.dispatch import dispatch_due
from notifications.enums import Channel, Status
from notifications.fake_brevo import API_KEY, FakeBrevo
from notifications.models import Message
from usagers.models import Usager


class Command(BaseCommand):
    help = "Débit du répartiteur (messages/s) vers un faux fournisseur SMS local."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=500)
        parser.add_argument("--batch", type=int, default=50)
        parser.add_argument("--backend", choices=["brevo", "file"], default="brevo")

    def handle(self, *args, count, batch, backend, **options):
        from django.contrib.contenttypes.models import ContentType

        server = FakeBrevo().start()
        mds, _ = MDS.objects.get_or_create(code="bench-notif", defaults={"nom": "MDS banc d'essai", "active": False})
        try:
            with transaction.atomic():
                usagers = Usager.objects.bulk_create(
                    [Usager(mds=mds, reference=f"BENCH-{i:05d}", telephone="+33612345678") for i in range(count)]
                )
                content_type = ContentType.objects.get_for_model(Usager)
                kind = registry.kinds()[0].value  # any declared kind: the bench measures the dispatcher
                now = timezone.now()
                context = {"debut": now.isoformat(), "mds_nom": mds.nom, "mds_adresse": "1 rue A, 13001 Marseille"}
                Message.objects.bulk_create(
                    [
                        Message(
                            mds=mds,
                            kind=kind,
                            channel=Channel.SMS,
                            recipient="+33612345678",
                            context=context,
                            object_type=content_type,
                            object_id=u.pk,
                            send_at=now,
                        )
                        for u in usagers
                    ]
                )
            noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
            sms_backend = (
                "notifications.backends.sms.BrevoBackend"
                if backend == "brevo"
                else "notifications.backends.sms.FileBackend"
            )
            with override_settings(
                NOTIFICATIONS_SMS_BACKEND=sms_backend,
                NOTIFICATIONS_SMS_FILE_PATH=".data/bench-sms.jsonl",
                NOTIFICATIONS_BREVO_API_URL=server.url,
                NOTIFICATIONS_BREVO_API_KEY=API_KEY,
                NOTIFICATIONS_BATCH_SIZE=batch,
                NOTIFICATIONS_RUN_BUDGET=3600,
            ):
                started = time.perf_counter()
                report = dispatch_due(now=max(noon, timezone.now()))
                elapsed = time.perf_counter() - started
            sent = Message.objects.filter(mds=mds, status=Status.ENVOYE).count()
            self.stdout.write(
                f"{sent}/{count} SMS envoyés ({backend}, lots de {batch}) en {elapsed:.2f} s : "
                f"{sent / elapsed:.0f} messages/s (reçus par le faux fournisseur : {len(server.accepted())}, "
                f"rapport : envoyés={report.sent} reportés={report.postponed} échecs={report.failed})"
            )
        finally:
            server.stop()
            Message.objects.filter(mds=mds).delete()
            Usager.objects.filter(mds=mds).delete()
            mds.delete()
