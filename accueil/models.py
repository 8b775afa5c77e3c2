"""Reception: desk calendar (opening hours, closures, availabilities, absences), motifs,
appointments (rendez-vous) and their history, walk-in arrivals (passages) with tickets, and the
waiting-room screens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Greatest

from core.models import MDS, MDSScopedQuerySet
from core.text_guard import FreeTextGuard, guard_free_text

from .enums import (
    STATUTS_ACTIFS,
    STATUTS_FILE,
    ActionHistorique,
    CanalRappel,
    CanalReservation,
    JourSemaine,
    Priorite,
    SourcePassage,
    StatutPassage,
    StatutRendezVous,
)


def _check_range(debut, fin):
    if debut and fin and fin <= debut:
        raise ValidationError({"fin": "L'heure de fin doit être après l'heure de début."})


class Motif(models.Model):
    """A reason category of an appointment (and of a walk-in visit), with its default duration."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="motifs", verbose_name="MDS")
    libelle = models.CharField("libellé", max_length=80, validators=[FreeTextGuard(80)])
    # Translations shown on the kiosk (English, Arabic); empty = the French label, marked lang="fr".
    libelle_en = models.CharField(
        "libellé en anglais", max_length=80, blank=True, default="", validators=[FreeTextGuard(80)]
    )
    libelle_ar = models.CharField(
        "libellé en arabe", max_length=80, blank=True, default="", validators=[FreeTextGuard(80)]
    )
    duree_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    reservable_borne = models.BooleanField("réservable à la borne", default=False)
    delai_minimum_minutes = models.PositiveIntegerField(
        "délai minimum avant le rendez-vous (minutes)", default=30, validators=[MaxValueValidator(60 * 24 * 30)]
    )
    horizon_jours = models.PositiveSmallIntegerField(
        "horizon de réservation (jours)", default=60, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    actif = models.BooleanField("actif", default=True)
    ordre = models.PositiveSmallIntegerField("ordre d'affichage", default=0)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "motif"
        ordering = ["ordre", "libelle"]
        constraints = [models.UniqueConstraint(fields=["mds", "libelle"], name="motif_libelle_unique_par_mds")]

    def __str__(self):
        return f"{self.libelle} — {self.duree_minutes} min"

    @property
    def duree(self) -> timedelta:
        return timedelta(minutes=self.duree_minutes)

    def libelle_traduit(self, langue: str) -> tuple[str, str]:
        """(label, language of that label) for a kiosk language: the translation when the MDS typed
        one, else the French label (so the page can mark it ``lang="fr"``)."""
        traduction = getattr(self, f"libelle_{langue}", "") if langue in ("en", "ar") else ""
        return (traduction, langue) if traduction else (self.libelle, "fr")


class PlageOuverture(models.Model):
    """A weekly opening range of the mediation desk (several per day allowed)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="plages_ouverture", verbose_name="MDS")
    jour = models.PositiveSmallIntegerField("jour", choices=JourSemaine.choices)
    debut = models.TimeField("début")
    fin = models.TimeField("fin")

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "plage d'ouverture"
        verbose_name_plural = "plages d'ouverture"
        ordering = ["jour", "debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="plage_ouverture_ordre")]

    def __str__(self):
        return f"{self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M}"

    def clean(self):
        _check_range(self.debut, self.fin)


class Fermeture(models.Model):
    """An exceptional closure of the desk (public holidays come from the ``holidays`` library)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="fermetures", verbose_name="MDS")
    date_debut = models.DateField("du")
    date_fin = models.DateField("au (inclus)")
    libelle = models.CharField("motif de la fermeture", max_length=80, blank=True, validators=[FreeTextGuard(80)])

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "fermeture exceptionnelle"
        verbose_name_plural = "fermetures exceptionnelles"
        ordering = ["date_debut"]
        constraints = [
            models.CheckConstraint(condition=Q(date_fin__gte=models.F("date_debut")), name="fermeture_ordre")
        ]

    def __str__(self):
        return f"{self.date_debut:%d/%m/%Y} → {self.date_fin:%d/%m/%Y}"

    def clean(self):
        if self.date_debut and self.date_fin and self.date_fin < self.date_debut:
            raise ValidationError({"date_fin": "La date de fin doit être le même jour ou après la date de début."})


class Disponibilite(models.Model):
    """A recurring weekly range during which a mediator receives appointments at this MDS."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="disponibilites", verbose_name="MDS")
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disponibilites", verbose_name="médiateur·rice"
    )
    jour = models.PositiveSmallIntegerField("jour", choices=JourSemaine.choices)
    debut = models.TimeField("début")
    fin = models.TimeField("fin")

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "disponibilité"
        ordering = ["mediateur_id", "jour", "debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="disponibilite_ordre")]

    def __str__(self):
        return f"{self.mediateur} — {self.get_jour_display()} {self.debut:%H:%M}–{self.fin:%H:%M}"

    def clean(self):
        _check_range(self.debut, self.fin)


class Absence(models.Model):
    """A mediator's absence (leave, training): no appointment with them during it."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="absences", verbose_name="MDS")
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences", verbose_name="médiateur·rice"
    )
    debut = models.DateTimeField("début")
    fin = models.DateTimeField("fin")
    # Busy times imported from an external calendar (interop app) are absences too: they block
    # slots the same way, and are replaced as a whole at each refresh of their source.
    origine = models.CharField(
        "origine", max_length=16, choices=[("manuel", "Saisie"), ("agenda_externe", "Agenda externe")], default="manuel"
    )

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "absence"
        ordering = ["debut"]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="absence_ordre")]

    def __str__(self):
        return f"{self.mediateur} — {self.debut:%d/%m/%Y %H:%M} → {self.fin:%d/%m/%Y %H:%M}"

    def clean(self):
        _check_range(self.debut, self.fin)


class Agenda(models.Model):
    """One row per MDS: the lock every booking of that desk takes (``select_for_update``) so that
    the capacity and overlap checks and the insert are serialized. The embedded PostgreSQL has no
    btree_gist, so row locks replace an exclusion constraint (docs/architecture)."""

    mds = models.OneToOneField(MDS, on_delete=models.CASCADE, related_name="agenda")
    version = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "agenda (verrou de réservation)"

    def __str__(self):
        return f"Agenda {self.mds}"


class RendezVousQuerySet(MDSScopedQuerySet):
    def actifs(self):
        return self.filter(statut__in=STATUTS_ACTIFS)

    def chevauchant(self, debut, fin):
        return self.filter(debut__lt=fin, fin__gt=debut)


class RendezVous(models.Model):
    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="rendez_vous", verbose_name="MDS")
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="usager",
    )
    prenom_ou_initiales = models.CharField(
        "prénom ou initiales", max_length=40, blank=True, validators=[FreeTextGuard(40)]
    )
    telephone = models.CharField("téléphone pour le rappel", max_length=20, blank=True)
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous",
        verbose_name="médiateur·rice",
        help_text="Vide : le premier ou la première disponible.",
    )
    motif = models.ForeignKey(Motif, on_delete=models.PROTECT, related_name="rendez_vous", verbose_name="motif")
    debut = models.DateTimeField("début", db_index=True)
    fin = models.DateTimeField("fin")
    canal = models.CharField("réservé par", max_length=12, choices=CanalReservation.choices)
    rappel = models.CharField("rappel", max_length=8, choices=CanalRappel.choices, default=CanalRappel.AUCUN)
    langue = models.CharField(
        "langue de la réservation",
        max_length=5,
        choices=[("fr", "français"), ("en", "anglais"), ("ar", "arabe")],
        default="fr",
        help_text="Langue choisie à la borne : la page du lien de rappel s'ouvre dans cette langue.",
    )
    statut = models.CharField(
        "statut", max_length=8, choices=StatutRendezVous.choices, default=StatutRendezVous.A_VENIR, db_index=True
    )
    reserve_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rendez_vous_reserves",
        verbose_name="réservé par",
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    statut_change_le = models.DateTimeField("statut changé le", null=True, blank=True)

    objects = RendezVousQuerySet.as_manager()

    class Meta:
        verbose_name = "rendez-vous"
        verbose_name_plural = "rendez-vous"
        ordering = ["debut"]
        indexes = [
            models.Index(fields=["mds", "debut"]),
            models.Index(fields=["mediateur", "debut"]),
            models.Index(fields=["updated_at"], name="rendez_vous_modifie_idx"),  # pilotage freshness (MAX)
        ]
        constraints = [models.CheckConstraint(condition=Q(fin__gt=models.F("debut")), name="rendez_vous_ordre")]

    def __str__(self):
        return f"Rendez-vous du {self.debut:%d/%m/%Y %H:%M}"

    @property
    def libelle_usager(self) -> str:
        if self.usager_id:
            return self.usager.display_name
        return self.prenom_ou_initiales or "Sans nom"


class HistoriqueRendezVous(models.Model):
    """What happened to an appointment: creation, moves (old and new time), status changes."""

    rendez_vous = models.ForeignKey(RendezVous, on_delete=models.CASCADE, related_name="historique")
    action = models.CharField(max_length=12, choices=ActionHistorique.choices)
    ancien_debut = models.DateTimeField(null=True, blank=True)
    nouveau_debut = models.DateTimeField(null=True, blank=True)
    ancien_statut = models.CharField(max_length=8, choices=StatutRendezVous.choices, blank=True)
    nouveau_statut = models.CharField(max_length=8, choices=StatutRendezVous.choices, blank=True)
    ancien_mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    le = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "historique de rendez-vous"
        ordering = ["le", "pk"]

    def __str__(self):
        return f"{self.get_action_display()} — {self.le:%d/%m/%Y %H:%M}"


class CompteurTicket(models.Model):
    """Last ticket number given per MDS per day (incremented atomically with an upsert)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="+")
    jour = models.DateField()
    dernier = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mds", "jour"], name="compteur_ticket_unique")]

    def __str__(self):
        return f"{self.mds_id} {self.jour} : {self.dernier}"


class PassageQuerySet(MDSScopedQuerySet):
    def file_du_jour(self, mds, jour):
        return self.filter(mds=mds, jour=jour, statut__in=STATUTS_FILE).order_by("-prioritaire", "arrivee_le", "numero")


class Passage(models.Model):
    """One arrival at the desk (walk-in or appointment check-in), with its ticket."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="passages", verbose_name="MDS")
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.SET_NULL, null=True, blank=True, related_name="passages"
    )
    prenom_ou_initiales = models.CharField(
        "prénom ou initiales", max_length=40, blank=True, validators=[FreeTextGuard(40)]
    )
    motif = models.ForeignKey(
        Motif, on_delete=models.SET_NULL, null=True, blank=True, related_name="passages", verbose_name="motif"
    )
    rendez_vous = models.OneToOneField(
        RendezVous, on_delete=models.SET_NULL, null=True, blank=True, related_name="passage"
    )
    source = models.CharField("source", max_length=24, choices=SourcePassage.choices)
    priorites = ArrayField(
        models.CharField(max_length=20, choices=Priorite.choices), verbose_name="priorités", default=list, blank=True
    )
    prioritaire = models.BooleanField(default=False)
    jour = models.DateField("jour", db_index=True)
    numero = models.PositiveIntegerField("numéro")
    statut = models.CharField(
        "statut", max_length=12, choices=StatutPassage.choices, default=StatutPassage.EN_ATTENTE, db_index=True
    )
    arrivee_le = models.DateTimeField("arrivée")
    appele_le = models.DateTimeField("appelé le", null=True, blank=True)
    appele_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    guichet = models.CharField("guichet", max_length=20, blank=True, validators=[FreeTextGuard(20)])
    pris_en_charge_le = models.DateTimeField("pris en charge le", null=True, blank=True)
    pris_en_charge_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="passages_pris"
    )
    attente_secondes = models.PositiveIntegerField("attente (secondes)", null=True, blank=True)
    sorti_le = models.DateTimeField("parti / réorienté le", null=True, blank=True)
    reorientation = models.CharField(
        "réorienté vers", max_length=120, blank=True, validators=[guard_free_text, FreeTextGuard(120)]
    )

    objects = PassageQuerySet.as_manager()

    class Meta:
        verbose_name = "passage"
        ordering = ["-jour", "numero"]
        constraints = [models.UniqueConstraint(fields=["mds", "jour", "numero"], name="passage_ticket_unique")]
        indexes = [
            models.Index(fields=["mds", "jour", "statut"]),
            # pilotage freshness: MAX of this very expression (pilotage/fraicheur.py) is one index probe
            models.Index(Greatest("arrivee_le", "pris_en_charge_le", "sorti_le"), name="passage_dernier_mouvement_idx"),
        ]

    def __str__(self):
        return f"Ticket {self.ticket} du {self.jour:%d/%m/%Y}"

    @property
    def ticket(self) -> str:
        return f"A-{self.numero:03d}"

    @property
    def libelle_usager(self) -> str:
        if self.usager_id:
            return self.usager.display_name
        return self.prenom_ou_initiales or "Sans nom"

    def get_priorites_display(self):
        labels = dict(Priorite.choices)
        return [labels.get(p, p) for p in self.priorites]


def new_screen_key() -> str:
    return secrets.token_urlsafe(24)


class EcranQuerySet(MDSScopedQuerySet):
    def actifs(self):
        return self.filter(revoque_le__isnull=True)


class EcranSalle(models.Model):
    """A waiting-room screen: a device link with a signed, revocable token (no login)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="ecrans", verbose_name="MDS")
    nom = models.CharField("nom de l'écran", max_length=60, validators=[FreeTextGuard(60)])
    cle = models.CharField(max_length=64, unique=True, default=new_screen_key, editable=False)
    son = models.BooleanField("signal sonore à chaque appel", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoque_le = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = EcranQuerySet.as_manager()

    class Meta:
        verbose_name = "écran de salle d'attente"
        verbose_name_plural = "écrans de salle d'attente"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    @property
    def token(self) -> str:
        from django.core import signing

        return signing.Signer(salt="accueil.ecran").sign(self.cle)
