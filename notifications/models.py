import uuid

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from core.models import MDS, MDSScopedQuerySet

from . import registry
from .enums import Channel, Delivery, Status


class MessageQuerySet(MDSScopedQuerySet):
    def for_object(self, obj):
        return self.filter(object_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)

    def due(self, now):
        return self.filter(status=Status.PLANIFIE, send_at__lte=now)


class Message(models.Model):
    """One SMS or e-mail to a visitor: a row of the outbox, scanned every minute by the dispatcher.

    The body is rendered at send time from ``kind``, ``language`` and ``context`` (a whitelisted
    dict: date, time, place, link — never a motif, organisme or démarche)."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="+", verbose_name="MDS")
    usager = models.ForeignKey(
        "usagers.Usager",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
        verbose_name="usager",
    )
    # Declared by the apps (``registry.register_kinds``), e.g. "confirmation_rdv", "rappel_atelier".
    kind = models.CharField("type", max_length=32, choices=registry.kind_choices)
    channel = models.CharField("canal", max_length=8, choices=Channel.choices)
    recipient = models.CharField("destinataire", max_length=254, blank=True)
    language = models.CharField("langue", max_length=8, default="fr")
    context = models.JSONField("données du message", default=dict, blank=True)
    # The object it concerns (an appointment, an atelier registration…).
    object_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    concerned = GenericForeignKey("object_type", "object_id")

    send_at = models.DateTimeField("envoi prévu le", db_index=True)
    status = models.CharField("statut", max_length=12, choices=Status.choices, default=Status.PLANIFIE)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.CharField("dernière erreur", max_length=255, blank=True)
    # Idempotency key given to the provider (where it supports one) and put in e-mail headers.
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    provider_message_id = models.CharField("identifiant fournisseur", max_length=64, blank=True, db_index=True)
    segments = models.PositiveSmallIntegerField("segments SMS", null=True, blank=True)
    delivery = models.CharField("remise", max_length=12, choices=Delivery.choices, default=Delivery.INCONNU, blank=True)

    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    claimed_at = models.DateTimeField("pris en charge le", null=True, blank=True)
    # Set (and committed) right before the provider is called: an ``en_cours`` row without it was
    # never handed to the provider and can safely be sent again.
    provider_called_at = models.DateTimeField("fournisseur appelé le", null=True, blank=True)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)
    cancelled_at = models.DateTimeField("annulé le", null=True, blank=True)
    anonymised_at = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message"
        ordering = ["-send_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "kind", "channel"], name="message_unique_par_objet_type_canal"
            ),
            models.CheckConstraint(condition=models.Q(attempts__lte=10), name="message_attempts_bornees"),
        ]
        indexes = [
            models.Index(fields=["status", "send_at"], name="message_due_idx"),
            models.Index(fields=["object_type", "object_id"], name="message_objet_idx"),
            models.Index(fields=["updated_at"], name="message_modifie_idx"),  # pilotage freshness (MAX)
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.get_channel_display()}) #{self.pk}"

    @property
    def is_final(self) -> bool:
        return self.status in {Status.ENVOYE, Status.ECHEC, Status.ANNULE}


class Reglages(models.Model):
    """Reminder timing of one MDS (defaults apply when an MDS has no row)."""

    mds = models.OneToOneField(MDS, on_delete=models.CASCADE, related_name="reglages_notifications")
    heure_rappel_j2 = models.PositiveSmallIntegerField(
        "heure du rappel J-2", default=10, help_text="Heure (8 à 19) de l'envoi du rappel deux jours avant."
    )
    rappel_jour_meme = models.BooleanField("rappel le jour même", default=True)
    heure_rappel_jour = models.PositiveSmallIntegerField("heure du rappel le jour même", default=8)
    heure_rappel_atelier = models.PositiveSmallIntegerField("heure du rappel d'atelier (la veille)", default=10)

    class Meta:
        verbose_name = "réglages des rappels"
        verbose_name_plural = "réglages des rappels"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(heure_rappel_j2__gte=8, heure_rappel_j2__lte=19)
                & models.Q(heure_rappel_jour__gte=8, heure_rappel_jour__lte=19)
                & models.Q(heure_rappel_atelier__gte=8, heure_rappel_atelier__lte=19),
                name="reglages_heures_de_jour",
            )
        ]

    def __str__(self):
        return f"Réglages des rappels — {self.mds}"
