"""Ateliers: catalogue, séances (possibly recurring), registrations with capacity and waitlist,
attendance (émargement) and anonymous walk-in counts.

Capacity is enforced by the database: ``Seance.places_prises`` (registered people, anonymous
registrations included) is kept by the services under a row lock on the séance, and a CHECK
constraint refuses ``places_prises > capacite`` whatever the code path."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from core.models import MDS, MDSScopedQuerySet
from core.text_guard import FreeTextGuard
from usagers.enums import TrancheAge

from .enums import (
    Equipement,
    Format,
    MotifAnnulation,
    Niveau,
    Presence,
    Public,
    StatutInscription,
    StatutSeance,
    Thematique,
    TypeEvenement,
)


class AtelierQuerySet(MDSScopedQuerySet):
    """The catalogue of an MDS includes the Département-wide templates (``mds`` empty)."""

    def for_mds(self, mds):
        return self.filter(Q(mds=mds) | Q(mds__isnull=True))

    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_mds:
            return self.all()
        return self.filter(Q(mds__memberships__user=user) | Q(mds__isnull=True)).distinct()

    def actifs(self):
        return self.filter(actif=True)


class Atelier(models.Model):
    """An entry of the catalogue. ``mds`` empty = a Département-wide model published by the
    coordination, that every MDS can schedule."""

    mds = models.ForeignKey(
        MDS,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ateliers",
        verbose_name="MDS",
        help_text="Vide : modèle départemental, proposé à toutes les MDS.",
    )
    titre = models.CharField("titre", max_length=120, validators=[FreeTextGuard(120)])
    description = models.TextField(
        "description (facile à lire)",
        max_length=500,
        blank=True,
        validators=[FreeTextGuard(500)],
        help_text="Phrases courtes, mots simples : ce que la personne saura faire à la fin.",
    )
    thematiques = ArrayField(
        models.CharField(max_length=40, choices=Thematique.choices), verbose_name="thématiques", default=list
    )
    niveau = models.CharField("niveau", max_length=16, choices=Niveau.choices, default=Niveau.DEBUTANT)
    format = models.CharField("format", max_length=16, choices=Format.choices, default=Format.COLLECTIF)
    public = models.CharField("public", max_length=16, choices=Public.choices, default=Public.USAGERS)
    duree_minutes = models.PositiveSmallIntegerField(
        "durée par défaut (minutes)", default=90, validators=[MinValueValidator(15), MaxValueValidator(480)]
    )
    capacite = models.PositiveSmallIntegerField(
        "capacité par défaut", default=8, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    minimum_participants = models.PositiveSmallIntegerField(
        "minimum de participants", default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    equipements = ArrayField(
        models.CharField(max_length=16, choices=Equipement.choices),
        verbose_name="équipement nécessaire",
        default=list,
        blank=True,
    )
    actif = models.BooleanField("proposé au catalogue", default=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = AtelierQuerySet.as_manager()

    class Meta:
        verbose_name = "atelier"
        ordering = ["titre"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_participants__lte=models.F("capacite")), name="atelier_minimum_lte_capacite"
            ),
        ]

    def __str__(self):
        return self.titre

    @property
    def est_modele_departemental(self) -> bool:
        return self.mds_id is None

    def get_thematiques_display(self) -> list[str]:
        labels = dict(Thematique.choices)
        return [labels.get(code, code) for code in self.thematiques]

    def get_equipements_display(self) -> list[str]:
        labels = dict(Equipement.choices)
        return [labels.get(code, code) for code in self.equipements]


class Fermeture(models.Model):
    """A closure of the MDS (whole days): recurring séances skip these dates."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="fermetures_ateliers", verbose_name="MDS")
    date_debut = models.DateField("du")
    date_fin = models.DateField("au (inclus)")
    motif = models.CharField("motif", max_length=120, blank=True, validators=[FreeTextGuard(120)])
    # Recorded from a closure of the desk (Paramètres de l'accueil), dropped when that one is deleted.
    depuis_accueil = models.BooleanField("fermeture de l'accueil", default=False)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "fermeture"
        ordering = ["date_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(date_fin__gte=models.F("date_debut")), name="fermeture_dates_ordre")
        ]

    def __str__(self):
        return f"{self.date_debut:%d/%m/%Y} – {self.date_fin:%d/%m/%Y}"


class Serie(models.Model):
    """A recurrence rule (RFC 5545 RRULE) that generated séances. Individual series are tied to one
    visitor (``usager``), registered on every séance."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="series_ateliers", verbose_name="MDS")
    atelier = models.ForeignKey(Atelier, on_delete=models.PROTECT, related_name="series", verbose_name="atelier")
    regle = models.CharField("règle de récurrence (RRULE)", max_length=200)
    date_debut = models.DateField("première date")
    date_fin = models.DateField("dernière date possible")
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.SET_NULL, null=True, blank=True, related_name="series_ateliers"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "série de séances"
        verbose_name_plural = "séries de séances"

    def __str__(self):
        return f"{self.atelier} ({self.regle})"


class SeanceQuerySet(MDSScopedQuerySet):
    def a_venir(self, now):
        return self.filter(debut__gte=now, statut=StatutSeance.PLANIFIEE)


class Seance(models.Model):
    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="seances", verbose_name="MDS")
    atelier = models.ForeignKey(Atelier, on_delete=models.PROTECT, related_name="seances", verbose_name="atelier")
    serie = models.ForeignKey(Serie, on_delete=models.SET_NULL, null=True, blank=True, related_name="seances")
    format = models.CharField("format", max_length=16, choices=Format.choices, default=Format.COLLECTIF)
    debut = models.DateTimeField("début", db_index=True)
    fin = models.DateTimeField("fin")
    salle = models.CharField("salle", max_length=80, blank=True, validators=[FreeTextGuard(80)])
    animateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="seances_animees",
        verbose_name="animateur·rice",
    )
    capacite = models.PositiveSmallIntegerField("capacité", validators=[MinValueValidator(1), MaxValueValidator(100)])
    minimum_participants = models.PositiveSmallIntegerField(
        "minimum de participants", default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    # Registered people (status "inscrit", anonymous registrations included). Written only by the
    # services, under a row lock on this séance; the CHECK constraint is the last line of defence.
    places_prises = models.PositiveSmallIntegerField("places prises", default=0, editable=False)
    statut = models.CharField("statut", max_length=16, choices=StatutSeance.choices, default=StatutSeance.PLANIFIEE)
    motif_annulation = models.CharField(
        "motif d'annulation", max_length=32, choices=MotifAnnulation.choices, blank=True
    )
    annulee_le = models.DateTimeField("annulée le", null=True, blank=True)
    alerte_minimum_le = models.DateTimeField("alerte « minimum non atteint » le", null=True, blank=True)
    cloturee_le = models.DateTimeField("émargement clôturé le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SeanceQuerySet.as_manager()

    class Meta:
        verbose_name = "séance"
        ordering = ["debut"]
        indexes = [models.Index(fields=["mds", "debut"], name="seance_mds_debut")]
        constraints = [
            models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="seance_fin_apres_debut"),
            models.CheckConstraint(
                condition=Q(places_prises__lte=models.F("capacite")), name="seance_places_lte_capacite"
            ),
        ]

    def __str__(self):
        return f"{self.atelier} — {self.debut:%d/%m/%Y %H:%M}"

    @property
    def duree_minutes(self) -> int:
        return int((self.fin - self.debut).total_seconds() // 60)

    @property
    def places_restantes(self) -> int:
        return max(0, self.capacite - self.places_prises)

    @property
    def taux_remplissage(self) -> int:
        return round(100 * self.places_prises / self.capacite) if self.capacite else 0

    @property
    def est_collective(self) -> bool:
        return self.format == Format.COLLECTIF

    @property
    def sous_minimum(self) -> bool:
        return self.est_collective and self.places_prises < self.minimum_participants

    @property
    def est_annulee(self) -> bool:
        return self.statut == StatutSeance.ANNULEE


class Inscription(models.Model):
    """A registration. ``usager`` empty = an anonymous registration ("1 personne, 25 à 39 ans")."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="+", verbose_name="MDS")
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="inscriptions")
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.PROTECT, null=True, blank=True, related_name="inscriptions_ateliers"
    )
    tranche_age = models.CharField(
        "tranche d'âge", max_length=32, choices=TrancheAge.choices, default=TrancheAge.NON_COMMUNIQUE
    )
    deja_accompagne = models.BooleanField("déjà accompagné·e", null=True, blank=True)
    # Anonymous registration at the waiting-room kiosk: the first name (or initials) the person
    # typed, so that the facilitator can greet them. Nothing else is asked there.
    prenom_ou_initiales = models.CharField(
        "prénom ou initiales", max_length=40, blank=True, validators=[FreeTextGuard(40)]
    )
    statut = models.CharField(
        "statut", max_length=16, choices=StatutInscription.choices, default=StatutInscription.INSCRIT
    )
    presence = models.CharField("présence", max_length=8, choices=Presence.choices, blank=True, default="")
    created_at = models.DateTimeField("inscrit·e le", auto_now_add=True)
    # Waitlist order: the time the person joined the list (ties broken by id).
    attente_depuis = models.DateTimeField("en attente depuis", null=True, blank=True)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "inscription"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "usager"],
                condition=Q(usager__isnull=False) & Q(statut__in=["inscrit", "attente"]),
                name="inscription_unique_active",
            )
        ]

    def __str__(self):
        return f"{self.libelle} — {self.seance}"

    @property
    def libelle(self) -> str:
        if self.usager_id:
            return self.usager.display_name
        if self.prenom_ou_initiales:
            return f"{self.prenom_ou_initiales} (inscription à la borne)"
        return f"1 personne ({self.get_tranche_age_display()})"


class ParticipantAnonyme(models.Model):
    """Walk-in participants counted without a name, by band (as La Coop de la médiation numérique)."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="+", verbose_name="MDS")
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="anonymes")
    tranche_age = models.CharField(
        "tranche d'âge", max_length=32, choices=TrancheAge.choices, default=TrancheAge.NON_COMMUNIQUE
    )
    deja_accompagne = models.BooleanField("déjà accompagné·e")
    nombre = models.PositiveSmallIntegerField("nombre", validators=[MinValueValidator(1), MaxValueValidator(50)])

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "participants sans inscription"
        verbose_name_plural = "participants sans inscription"
        ordering = ["tranche_age", "deja_accompagne"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "tranche_age", "deja_accompagne"], name="participant_anonyme_unique_bande"
            ),
            models.CheckConstraint(condition=Q(nombre__gte=1), name="participant_anonyme_nombre_positif"),
        ]

    def __str__(self):
        return f"{self.nombre} × {self.get_tranche_age_display()}"


class Evenement(models.Model):
    """What happened to a séance (registrations, promotions, cancellations, alerts): shown on the
    séance page. Append-only; the notifications outbox reads the service calls, not this table."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="+", verbose_name="MDS")
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="evenements")
    type = models.CharField("type", max_length=24, choices=TypeEvenement.choices)
    inscription = models.ForeignKey(Inscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    detail = models.CharField("détail", max_length=200, blank=True)
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("le", auto_now_add=True, db_index=True)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de séance"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_type_display()} — {self.created_at:%d/%m/%Y %H:%M}"
