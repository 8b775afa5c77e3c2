"""API clients and their call journal, calendar subscriptions and external busy-time sources,
data·inclusion import runs."""

import hashlib
import hmac
import secrets
import uuid

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models

from core.models import MDS, MDSScopedQuerySet
from core.text_guard import FreeTextGuard


def hash_secret(secret: str) -> str:
    """SHA-256 of a random 256-bit secret (a password hash would only slow every API call down:
    these secrets are generated, never chosen by a person)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class Scope(models.TextChoices):
    ACTIVITES = "activites", "Activités (anonymes)"


class ClientApi(models.Model):
    """A tool of the Département or of the ANCT that pulls the activity feed. The bearer token is
    ``<id>:<secret>``; only the secret's hash is kept (the secret is shown once, at creation)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nom = models.CharField("nom", max_length=120, unique=True, validators=[FreeTextGuard(120)])
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = ArrayField(models.CharField(max_length=24, choices=Scope.choices), verbose_name="droits", default=list)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créé par"
    )
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    revoque_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dernier_appel = models.DateTimeField("dernier appel", null=True, blank=True)

    class Meta:
        verbose_name = "client de l'API"
        verbose_name_plural = "clients de l'API"
        ordering = ["-cree_le"]

    def __str__(self):
        return self.nom

    @property
    def actif(self) -> bool:
        return self.revoque_le is None

    def verifie(self, secret: str) -> bool:
        return hmac.compare_digest(self.secret_hash, hash_secret(secret))


class AppelApi(models.Model):
    """One call of the API (journal, append-only in the database). No personal data: the client,
    the path, the filters, the status and the number of items returned."""

    client = models.ForeignKey(ClientApi, on_delete=models.PROTECT, null=True, blank=True, related_name="appels")
    le = models.DateTimeField(auto_now_add=True, db_index=True)
    chemin = models.CharField(max_length=200)
    parametres = models.CharField(max_length=500, blank=True)
    statut = models.PositiveSmallIntegerField()
    nombre = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "appel de l'API"
        verbose_name_plural = "journal des appels de l'API"
        ordering = ["-le"]
        triggers = [pgtrigger.Protect(name="appel_api_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self):
        return f"{self.le:%Y-%m-%d %H:%M} {self.chemin} → {self.statut}"


class AbonnementCalendrier(models.Model):
    """A mediator's secret ICS subscription URL (appointments and atelier sessions)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="abonnements_ics")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    cree_le = models.DateTimeField("créé le", auto_now_add=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)
    dernier_acces = models.DateTimeField("dernier accès", null=True, blank=True)

    class Meta:
        verbose_name = "abonnement au calendrier"
        ordering = ["-cree_le"]

    def __str__(self):
        return f"Abonnement ICS de {self.user}"


class AgendaExterneQuerySet(MDSScopedQuerySet):
    pass


class AgendaExterne(models.Model):
    """A published calendar (Outlook, Zimbra…) of a mediator whose busy times block appointment
    slots at one MDS. Refreshed periodically; when a refresh fails, the last good busy times stay."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="+", verbose_name="MDS")
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="agendas_externes",
        verbose_name="médiateur·rice",
    )
    url = models.URLField("adresse ICS publiée", max_length=500, blank=True)
    contenu = models.TextField("fichier ICS importé", blank=True, editable=False)
    derniere_synchro = models.DateTimeField("dernière synchronisation réussie", null=True, blank=True)
    derniere_tentative = models.DateTimeField("dernière tentative", null=True, blank=True)
    erreur = models.CharField("dernière erreur", max_length=300, blank=True)
    nombre_occupations = models.PositiveIntegerField("créneaux occupés importés", default=0)

    objects = AgendaExterneQuerySet.as_manager()

    class Meta:
        verbose_name = "agenda externe"
        ordering = ["mds", "mediateur"]
        constraints = [models.UniqueConstraint(fields=["mds", "mediateur"], name="agenda_externe_unique")]

    def __str__(self):
        return f"Agenda externe de {self.mediateur} ({self.mds})"


class ImportDataInclusion(models.Model):
    """One run of the data·inclusion partner import, with what was skipped and why."""

    le = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=300)
    structures_lues = models.PositiveIntegerField(default=0)
    services_lus = models.PositiveIntegerField(default=0)
    crees = models.PositiveIntegerField(default=0)
    mis_a_jour = models.PositiveIntegerField(default=0)
    desactives = models.PositiveIntegerField(default=0)
    ignores = models.JSONField(default=list)
    erreur = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "import data·inclusion"
        ordering = ["-le"]

    def __str__(self):
        return f"Import data·inclusion du {self.le:%d/%m/%Y %H:%M}"
