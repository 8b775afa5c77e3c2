"""Kiosk devices (bornes) and anonymous feedback (avis).

A ``Borne`` is a tablet of one MDS. It is paired once with a short-lived one-time code; the tablet
then keeps a long-lived signed cookie whose secret is stored here only as a SHA-256 hash. Revoking
the device clears the hash: the cookie stops working on the next request."""

import hashlib
import hmac

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone

from core.models import MDS, MDSScopedQuerySet
from core.text_guard import guard_free_text

from .enums import AvisTag, Ressenti


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class BorneQuerySet(MDSScopedQuerySet):
    def actives(self):
        return self.filter(revoquee_le__isnull=True)


class Borne(models.Model):
    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="bornes", verbose_name="MDS")
    nom = models.CharField(
        "nom de la borne",
        max_length=60,
        validators=[guard_free_text],
        help_text="Pour la reconnaître, ex. « Salle d'attente, près de l'entrée ».",
    )
    creee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    creee_le = models.DateTimeField("créée le", default=timezone.now)
    # One-time pairing code (hashed) and its expiry; cleared once used.
    code_appairage_hash = models.CharField(max_length=64, blank=True, default="")
    code_appairage_expire_le = models.DateTimeField(null=True, blank=True)
    appairee_le = models.DateTimeField("appairée le", null=True, blank=True)
    # Hash of the secret of the device cookie; empty = no valid credential.
    identifiant_hash = models.CharField(max_length=64, blank=True, default="")
    vue_le = models.DateTimeField("dernière activité", null=True, blank=True)
    revoquee_le = models.DateTimeField("révoquée le", null=True, blank=True)

    objects = BorneQuerySet.as_manager()

    class Meta:
        verbose_name = "borne"
        ordering = ["mds", "nom"]
        indexes = [models.Index(fields=["code_appairage_hash"], name="borne_code_appairage_idx")]

    def __str__(self):
        return f"{self.nom} ({self.mds.code})"

    @property
    def active(self) -> bool:
        return self.revoquee_le is None

    @property
    def etat(self) -> str:
        if self.revoquee_le:
            return "Révoquée"
        if self.identifiant_hash:
            return "En service"
        return "En attente d'appairage"

    def identifiant_valide(self, secret: str) -> bool:
        return bool(self.active and self.identifiant_hash) and hmac.compare_digest(
            self.identifiant_hash, hash_secret(secret)
        )


class Avis(models.Model):
    """Anonymous satisfaction given at the kiosk: only the MDS, the day, the smiley and tags.
    No link to a visitor, a staff member, a device or a time of day."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="avis_borne", verbose_name="MDS")
    jour = models.DateField("jour")
    ressenti = models.PositiveSmallIntegerField("ressenti", choices=Ressenti.choices, validators=[MinValueValidator(1)])
    tags = ArrayField(models.CharField(max_length=20, choices=AvisTag.choices), default=list, blank=True)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "avis de la borne"
        verbose_name_plural = "avis de la borne"
        indexes = [models.Index(fields=["mds", "jour"], name="avis_mds_jour_idx")]

    def __str__(self):
        return f"{self.jour} — {self.get_ressenti_display()}"


class CodeReservation(models.Model):
    """The booking code given at the kiosk for an appointment (checked in with it later).
    Unguessable: 8 characters from the unambiguous alphabet of ``codes``; unique."""

    rendez_vous = models.OneToOneField(
        "accueil.RendezVous", on_delete=models.CASCADE, related_name="code_borne", verbose_name="rendez-vous"
    )
    code = models.CharField("code de réservation", max_length=12, unique=True)
    cree_le = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "code de réservation"
        verbose_name_plural = "codes de réservation"

    def __str__(self):
        return f"Code du rendez-vous {self.rendez_vous_id}"


# Kiosk screens named on the desk when a help request comes from them (url name → French label).
ECRANS = {
    "accueil": "accueil de la borne",
    "rdv": "rendez-vous : motif",
    "rdv_jour": "rendez-vous : jour",
    "rdv_heure": "rendez-vous : heure",
    "rdv_prenom": "rendez-vous : prénom",
    "rdv_rappel": "rendez-vous : rappel",
    "rdv_telephone": "rendez-vous : téléphone",
    "rdv_confirmation": "rendez-vous noté",
    "arrivee": "j'ai un rendez-vous",
    "arrivee_code": "arrivée : code",
    "arrivee_liste": "arrivée : liste des heures",
    "arrivee_ticket": "arrivée notée",
    "ticket": "sans rendez-vous : motif",
    "ticket_numero": "numéro de ticket",
    "avis": "avis",
    "avis_tags": "avis : précisions",
    "avis_merci": "avis : merci",
}


class DemandeAideQuerySet(MDSScopedQuerySet):
    def ouvertes(self):
        return self.filter(prise_le__isnull=True, annulee_le__isnull=True)


class DemandeAide(models.Model):
    """« Demander à l'accueil » touched on a kiosk: which kiosk, from which screen, when — nothing
    about the person. Open until someone of the desk taps « J'y vais »."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="demandes_aide", verbose_name="MDS")
    borne = models.ForeignKey(Borne, on_delete=models.CASCADE, related_name="demandes_aide", verbose_name="borne")
    ecran = models.CharField("écran de la borne", max_length=40, blank=True, default="")
    creee_le = models.DateTimeField("demandée le", default=timezone.now)
    prise_le = models.DateTimeField("prise en charge le", null=True, blank=True)
    prise_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)

    objects = DemandeAideQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d'aide de la borne"
        verbose_name_plural = "demandes d'aide de la borne"
        ordering = ["creee_le"]
        indexes = [models.Index(fields=["mds", "prise_le", "creee_le"], name="demande_aide_ouverte_idx")]

    def __str__(self):
        return f"Demande d'aide {self.pk} ({self.borne_id})"

    @property
    def ecran_libelle(self) -> str:
        return ECRANS.get(self.ecran, "")

    @property
    def ouverte(self) -> bool:
        return self.prise_le is None and self.annulee_le is None


class AlerteTicket(models.Model):
    """« Prévenez-moi par SMS quand c'est mon tour » for a walk-in ticket: the mobile number typed
    at the kiosk, kept only while the ticket waits. The row is deleted (the number with it) when
    the ticket is called (the SMS is then in the outbox, whose row forgets the number once sent),
    taken in charge, left, redirected, or at the end of the day (``services.purger_alertes_ticket``)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="+", verbose_name="MDS")
    passage = models.OneToOneField(
        "accueil.Passage", on_delete=models.CASCADE, related_name="alerte_sms", verbose_name="ticket"
    )
    telephone = models.CharField("téléphone portable (E.164)", max_length=20)
    langue = models.CharField("langue de la borne", max_length=5, default="fr")
    creee_le = models.DateTimeField("demandée le", default=timezone.now)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "SMS « c'est votre tour » demandé"
        verbose_name_plural = "SMS « c'est votre tour » demandés"

    def __str__(self):
        return f"SMS demandé pour le ticket {self.passage_id}"
