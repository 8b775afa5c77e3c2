"""Monthly activity reports (rapport mensuel d'activité): one per month and scope (an MDS or the
Département), regenerated in place; every previous version is kept in ``RapportVersion``."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import MDS, MDSScopedQuerySet
from mediation.models import JournalActivite


class StatutRapport(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    EN_COURS = "en_cours", "En cours"
    TERMINE = "termine", "Terminé"
    ECHEC = "echec", "Échec"


class Declencheur(models.TextChoices):
    PLANIFICATION = "planification", "Production automatique (1er du mois)"
    COMMANDE = "commande", "Commande rapport_mensuel"
    ECRAN = "ecran", "Demande depuis la page Rapports"
    CORRECTION = "correction", "Correction d'un mois déjà publié"


class RapportQuerySet(MDSScopedQuerySet):
    def visibles_par(self, user):
        """Directors: reports of their MDS; coordinateurs/admins: every report (incl. Département)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_mds:
            return self.all()
        return self.filter(mds__memberships__user=user)


class Rapport(models.Model):
    mois = models.DateField("mois", help_text="Premier jour du mois couvert.")
    mds = models.ForeignKey(
        MDS, on_delete=models.PROTECT, null=True, blank=True, related_name="rapports", verbose_name="MDS"
    )  # null: the Département
    statut = models.CharField(
        "statut", max_length=12, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE, db_index=True
    )
    progression = models.PositiveSmallIntegerField("progression (%)", default=0)
    etape = models.CharField("étape en cours", max_length=80, blank=True)
    erreur = models.CharField("erreur", max_length=200, blank=True)
    version = models.PositiveIntegerField("version", default=0)
    empreinte = models.CharField("empreinte SHA-256 des chiffres", max_length=64, blank=True)
    chiffres = models.JSONField("chiffres publiés", default=dict, blank=True)
    sans_activite = models.BooleanField("mois sans activité", default=False)
    pdf = models.FileField("PDF", upload_to="rapports/", blank=True)
    xlsx = models.FileField("XLSX", upload_to="rapports/", blank=True)
    csv = models.FileField("CSV", upload_to="rapports/", blank=True)
    declencheur = models.CharField("production", max_length=16, choices=Declencheur.choices, blank=True)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    duree_secondes = models.FloatField("durée de production (s)", null=True, blank=True)
    demande_le = models.DateTimeField("demandé le", null=True, blank=True)
    genere_le = models.DateTimeField("produit le", null=True, blank=True)
    destinataires_prevenus_le = models.DateTimeField("destinataires prévenus le", null=True, blank=True)
    journal_jusqu_a = models.BigIntegerField(
        "dernière entrée du journal prise en compte",
        null=True,
        blank=True,
        help_text="Plus grand identifiant d'entrée du journal de séance datée du mois (et du périmètre) lors "
        "de la production : une correction plus récente rend le rapport périmé.",
    )

    objects = RapportQuerySet.as_manager()

    class Meta:
        verbose_name = "rapport mensuel"
        verbose_name_plural = "rapports mensuels"
        ordering = ["-mois", "mds__nom"]
        constraints = [
            models.UniqueConstraint(fields=["mois", "mds"], name="rapport_unique_par_mois", nulls_distinct=False)
        ]

    def __str__(self):
        return f"Rapport {self.mois:%m/%Y} — {self.libelle_perimetre}"

    @property
    def libelle_perimetre(self) -> str:
        return self.mds.nom if self.mds_id else "Département"

    @property
    def en_cours(self) -> bool:
        return self.statut in (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS)

    @property
    def perime(self) -> bool:
        """A session-log entry dated in the month arrived after production (one indexed query)."""
        if self.statut != StatutRapport.TERMINE or self.journal_jusqu_a is None:
            return False
        end = (self.mois.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)

        # The journal itself (the rollup may lag behind): same ids as the rollup.
        newer = JournalActivite.objects.filter(date__gte=self.mois, date__lt=end, pk__gt=self.journal_jusqu_a)
        if self.mds_id:
            newer = newer.filter(mds_id=self.mds_id)
        return newer.exists()


class RapportVersion(models.Model):
    """A previous version of a report, kept when it is regenerated (files and figures' hash)."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    empreinte = models.CharField(max_length=64)
    genere_le = models.DateTimeField()
    declencheur = models.CharField(max_length=16, choices=Declencheur.choices, blank=True)
    pdf = models.FileField(upload_to="rapports/archives/", blank=True)
    xlsx = models.FileField(upload_to="rapports/archives/", blank=True)
    csv = models.FileField(upload_to="rapports/archives/", blank=True)

    class Meta:
        verbose_name = "version précédente d'un rapport"
        ordering = ["rapport", "-version"]
        constraints = [models.UniqueConstraint(fields=["rapport", "version"], name="rapport_version_unique")]

    def __str__(self):
        return f"{self.rapport} v{self.version}"


class Destinataire(models.Model):
    """Who receives the e-mail (a link, never an attachment) when a report is ready."""

    email = models.EmailField("adresse e-mail")
    mds = models.ForeignKey(
        MDS,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="destinataires_rapports",
        verbose_name="MDS",
        help_text="Vide : rapport du Département.",
    )
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "destinataire des rapports"
        verbose_name_plural = "destinataires des rapports"
        constraints = [
            models.UniqueConstraint(fields=["email", "mds"], name="destinataire_unique", nulls_distinct=False)
        ]

    def __str__(self):
        return self.email


class ResumeActivite(models.Model):
    """Rollup of the session log: one row per journal activity (every version), with its step counts
    by posture. Filled incrementally (the journal is append-only: new ids only) by
    ``pilotage.rollup.rafraichir``; ``courante`` is false once a correction or a cancellation
    supersedes the entry, or for a cancellation entry itself. Derived data: can be rebuilt."""

    activite_id = models.BigIntegerField(primary_key=True)
    mds_id = models.BigIntegerField()
    date = models.DateField()
    nature = models.CharField(max_length=24)
    source = models.CharField(max_length=24, blank=True)
    usager_id = models.BigIntegerField(null=True)
    mediateur_id = models.BigIntegerField(null=True)
    duree_minutes = models.PositiveIntegerField()
    courante = models.BooleanField(default=True)
    n_demarches = models.PositiveIntegerField(default=0)
    n_a_la_place = models.PositiveIntegerField(default=0)
    n_avec = models.PositiveIntegerField(default=0)
    n_faire_faire = models.PositiveIntegerField(default=0)
    n_autonome = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "résumé d'activité (agrégat)"
        indexes = [
            models.Index(fields=["mds_id", "date"], name="resume_mds_date", condition=models.Q(courante=True)),
            models.Index(fields=["date"], name="resume_date", condition=models.Q(courante=True)),
            models.Index(fields=["usager_id", "date"], name="resume_usager_date", condition=models.Q(courante=True)),
            models.Index(fields=["mediateur_id", "date"], name="resume_mediateur_date"),
        ]

    def __str__(self):
        return f"Activité {self.activite_id} du {self.date:%d/%m/%Y}"


class ResumeDemarche(models.Model):
    """Rollup of the session log's démarches (one row per journal démarche) with the activity's
    date, scope and currency copied in: démarche indicators read it without joining the journal."""

    demarche_id = models.BigIntegerField(primary_key=True)
    activite_id = models.BigIntegerField()
    mds_id = models.BigIntegerField()
    mediateur_id = models.BigIntegerField(null=True)
    date = models.DateField()
    nature = models.CharField(max_length=24)
    courante = models.BooleanField(default=True)
    organisme_code = models.CharField(max_length=40, blank=True)
    demarche_code = models.CharField(max_length=60, blank=True)
    resultat = models.CharField(max_length=32, blank=True)
    oriente_vers = models.CharField(max_length=24, blank=True)

    class Meta:
        verbose_name = "résumé de démarche (agrégat)"
        indexes = [
            models.Index(fields=["mds_id", "date"], name="resdem_mds_date", condition=models.Q(courante=True)),
            models.Index(fields=["date"], name="resdem_date", condition=models.Q(courante=True)),
            models.Index(fields=["mediateur_id", "date"], name="resdem_mediateur_date"),
            models.Index(fields=["activite_id"], name="resdem_activite"),
        ]

    def __str__(self):
        return f"Démarche {self.demarche_id}"


class AgregatMois(models.Model):
    """Additive figures of the session log per (MDS, month, dimension, category): counts of
    accompaniments by source, démarches by organisme/démarche/résultat/orientation, minutes and the
    histogram of durations by nature, steps by posture. Kept up to date by ``pilotage.agregats``
    from the two summary tables (the (MDS, month) groups an entry touches are recomputed), so a
    quarter or 12 months read 3 or 12 rows per MDS and category. Derived data: can be rebuilt."""

    mds_id = models.BigIntegerField()
    mois = models.DateField()
    dimension = models.CharField(max_length=16)
    categorie = models.CharField(max_length=80)
    valeur = models.BigIntegerField()

    class Meta:
        verbose_name = "agrégat mensuel (additif)"
        constraints = [
            models.UniqueConstraint(fields=["dimension", "mois", "mds_id", "categorie"], name="agregat_mois_unique")
        ]
        indexes = [models.Index(fields=["mds_id", "mois"], name="agregat_mds_mois")]

    def __str__(self):
        return f"{self.dimension} {self.categorie} {self.mois:%m/%Y}"


class FigureFenetre(models.Model):
    """Visitor-level figures of a CLOSED period (month, calendar quarter, 12 months ending with a
    month) computed once and stored (``pilotage.fenetres``): distinct visitors, new / returning,
    autonomy progression per scope, and the period's statistical-secrecy decisions. Removed when a
    late entry lands in a month the period ends after (it is then recomputed). Derived data."""

    cle = models.CharField(max_length=32)
    type = models.CharField(max_length=10)
    debut = models.DateField(help_text="Premier jour de la période.")
    fin = models.DateField(help_text="Premier jour après la période.")
    perimetre = models.CharField(max_length=200)
    contenu = models.JSONField()
    calcule_le = models.DateTimeField(default=timezone.now, help_text="Début du calcul.")

    class Meta:
        verbose_name = "chiffre stocké d'une période close"
        constraints = [
            models.UniqueConstraint(fields=["cle", "type", "debut", "perimetre"], name="figure_fenetre_unique")
        ]
        indexes = [models.Index(fields=["fin"], name="figure_fenetre_fin")]

    def __str__(self):
        return f"{self.cle} {self.type} {self.debut:%m/%Y} {self.perimetre}"


class ModificationTardive(models.Model):
    """A desk row (queue passage, appointment, reminder, séance, registration, motif) dated in a month
    that is closed — or about to close — was written, changed or deleted. Written by PostgreSQL
    triggers (migration 0006), whatever wrote the row (a form, a task, a bulk update, the retention
    purge); processed by ``pilotage.fenetres.suivre_accueil``, which drops the stored desk figures of
    the periods containing that month, and read by ``pilotage.perimes`` (reports of that month made
    stale); deleted after ``GARDE``. Rows of the current month are not recorded: no
    stored period contains it, so everyday desk work writes nothing here."""

    source = models.CharField(max_length=40, help_text="Table modifiée.")
    mds_id = models.BigIntegerField(null=True)
    mois = models.DateField(null=True, help_text="Mois des lignes modifiées (vide : tous les mois).")
    le = models.DateTimeField(default=timezone.now)
    # Set once the stored dashboard figures it affects are dropped; the note itself is kept a while
    # for the reports' staleness check (``pilotage.perimes``), which runs every 5 minutes.
    traitee = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = "modification tardive d'une source de l'accueil"
        indexes = [
            models.Index(fields=["id"], condition=models.Q(traitee=False), name="modification_a_traiter"),
            models.Index(fields=["mois", "le"], name="modification_mois"),
        ]

    def __str__(self):
        return f"{self.source} {self.mois or 'tous mois'}"


class MasquePublie(models.Model):
    """A cell of a people table (period, attribute, MDS row, category column) that a publication hid.
    Kept for good — not dropped when the period's stored decision is recomputed after a late
    correction — so that every later version of the period hides it too (``pilotage.masques``):
    two versions of a report, or a dashboard seen before and after a correction, never show one
    the cell the other hid."""

    TOTAL = 0  # ``mds_id`` of the column totals row; ``categorie`` "" is the row totals column

    type = models.CharField(max_length=10)
    debut = models.DateField()
    cle = models.CharField(max_length=32, help_text="Indicateur (profil_genre…).")
    mds_id = models.BigIntegerField()
    categorie = models.CharField(max_length=40)
    premiere_fois = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "case masquée publiée"
        constraints = [
            models.UniqueConstraint(fields=["type", "debut", "cle", "mds_id", "categorie"], name="masque_publie_unique")
        ]

    def __str__(self):
        return f"{self.cle} {self.type} {self.debut:%m/%Y} {self.mds_id}:{self.categorie}"
