"""Accompaniments, démarches, steps and postures; referentials; orientations; the session log.

The session log (``JournalActivite`` → ``JournalDemarche`` → ``JournalEtape``) is append-only and
enforced by PostgreSQL triggers: it holds codes, counts and pseudonymous references only, and is
what statistics read (schema documented in docs/mediation.md, « Journal de séance »)."""

import uuid

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from core.models import MDS, MDSScopedQuerySet
from core.text_guard import FreeTextGuard, guard_free_text

from . import coop
from .enums import (
    Consentement,
    Etape,
    Materiel,
    Nature,
    OriginePartenaire,
    Posture,
    Resultat,
    SensOrientation,
    Source,
    StatutOrientation,
    TypeLieu,
)
from .search import search_text

# ---------------------------------------------------------------------------------------------
# Referentials (seeded by migration 0002, editable by coordinateurs in the admin)


class Thematique(models.Model):
    """Thematic code compatible with La Coop de la médiation numérique."""

    code = models.SlugField(
        "code",
        max_length=60,
        unique=True,
        validators=[coop.validate_thematique_code],
        help_text="Un code de thématique de La Coop de la médiation numérique (voir docs/interop.md).",
    )
    libelle = models.CharField("libellé", max_length=120)
    ordre = models.PositiveSmallIntegerField("ordre", default=100)

    class Meta:
        verbose_name = "thématique"
        ordering = ["ordre", "libelle"]

    def __str__(self):
        return self.libelle


class Organisme(models.Model):
    code = models.SlugField("code", max_length=40, unique=True)
    nom = models.CharField("nom", max_length=120)
    site = models.CharField("site internet", max_length=120, blank=True)
    ordre = models.PositiveSmallIntegerField("ordre", default=100, help_text="Les plus fréquents d'abord.")
    actif = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "organisme"
        ordering = ["ordre", "nom"]

    def __str__(self):
        return self.nom


class Demarche(models.Model):
    """A procedure of an organisme, or non-administrative digital help (no organisme)."""

    code = models.SlugField("code", max_length=60, unique=True)
    organisme = models.ForeignKey(
        Organisme, on_delete=models.PROTECT, null=True, blank=True, related_name="demarches", verbose_name="organisme"
    )
    libelle = models.CharField("libellé", max_length=120)
    thematique = models.ForeignKey(Thematique, on_delete=models.PROTECT, verbose_name="thématique")
    etapes_defaut = ArrayField(
        models.CharField(max_length=32, choices=Etape.choices), verbose_name="étapes par défaut", default=list
    )
    pieces_defaut = ArrayField(
        models.CharField(max_length=120), verbose_name="pièces habituellement demandées", default=list, blank=True
    )
    reserve_travailleur_social = models.BooleanField(
        "réservée aux travailleurs sociaux",
        default=False,
        help_text="Choisir cette démarche propose une orientation vers un·e travailleur·se social·e.",
    )
    ordre = models.PositiveSmallIntegerField("ordre", default=100)
    actif = models.BooleanField("active", default=True)
    # Accent-free "organisme libellé" filled by save(): type-ahead without the unaccent extension.
    recherche = models.CharField(max_length=300, editable=False, blank=True, db_index=True)

    class Meta:
        verbose_name = "démarche"
        ordering = ["organisme__ordre", "ordre", "libelle"]

    def __str__(self):
        return f"{self.organisme.nom} — {self.libelle}" if self.organisme_id else self.libelle

    def save(self, *args, **kwargs):
        organisme = self.organisme.nom if self.organisme_id else "aide numerique"
        organisme_code = self.organisme.code if self.organisme_id else ""
        self.recherche = search_text(organisme, organisme_code, self.libelle, self.code)
        super().save(*args, **kwargs)

    @property
    def est_aide_numerique(self) -> bool:
        return self.organisme_id is None


class Partenaire(models.Model):
    """A partner structure of an MDS (centre social, EPN, France Services, médiathèque…)."""

    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="partenaires_mediation", verbose_name="MDS")
    nom = models.CharField("nom", max_length=120, validators=[FreeTextGuard(120)])
    adresse = models.CharField("adresse", max_length=200, blank=True, validators=[FreeTextGuard(200)])
    permanences = models.CharField(
        "permanences", max_length=300, blank=True, validators=[FreeTextGuard(300)], help_text="Ex. mardi 9 h – 12 h."
    )
    contact = models.CharField(
        "contact (accueil de la structure)", max_length=120, blank=True, validators=[FreeTextGuard(120)]
    )
    thematiques = models.CharField("aide proposée", max_length=200, blank=True, validators=[FreeTextGuard(200)])
    actif = models.BooleanField("actif", default=True)
    structure_de_redirection = models.CharField(
        "type de structure (La Coop)",
        max_length=40,
        choices=list(coop.STRUCTURE_DE_REDIRECTION.items()),
        default="autre",
        validators=[coop.validate_structure_de_redirection],
        help_text="Code de redirection de La Coop porté par les orientations vers cette structure.",
    )
    typologie = models.CharField("typologie (data·inclusion)", max_length=20, blank=True)
    siret = models.CharField("SIRET", max_length=14, blank=True)
    source = models.CharField("origine", max_length=20, choices=OriginePartenaire.choices, default="manuel")
    source_id = models.CharField("identifiant à la source", max_length=200, blank=True)
    source_maj = models.DateTimeField("mis à jour depuis la source le", null=True, blank=True)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "structure partenaire"
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["mds", "source", "source_id"],
                condition=~Q(source_id=""),
                name="partenaire_source_unique",
            )
        ]

    def __str__(self):
        return self.nom


# ---------------------------------------------------------------------------------------------
# Accompaniments (working data: editable, anonymizable)


class AccompagnementQuerySet(MDSScopedQuerySet):
    pass


class Accompagnement(models.Model):
    """One sitting of a visitor (or an anonymous person) with a mediator."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="accompagnements", verbose_name="MDS")
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompagnements",
        verbose_name="usager",
    )
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="accompagnements", verbose_name="médiateur"
    )
    passage = models.ForeignKey(
        "accueil.Passage",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompagnements",
        verbose_name="passage (file d'attente)",
    )
    date = models.DateField("date")
    debut = models.TimeField("heure de début")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    source = models.CharField("venue", max_length=24, choices=Source.choices)
    type_lieu = models.CharField("lieu", max_length=16, choices=TypeLieu.choices, default=TypeLieu.LIEU_ACTIVITE)
    materiel = ArrayField(
        models.CharField(max_length=12, choices=Materiel.choices),
        verbose_name="matériel utilisé",
        default=list,
        blank=True,
    )
    note = models.TextField("note (facultative)", blank=True, validators=[guard_free_text])
    cle = models.UUIDField("clé d'enregistrement", default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField("enregistré le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    objects = AccompagnementQuerySet.as_manager()

    class Meta:
        verbose_name = "accompagnement"
        ordering = ["-date", "-debut"]
        indexes = [models.Index(fields=["mds", "date"]), models.Index(fields=["usager", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duree_minutes__gte=1) & Q(duree_minutes__lte=600), name="accompagnement_duree_bornee"
            ),
            # One accompaniment per queue passage (re-log guard, also enforced by the service).
            models.UniqueConstraint(
                fields=["passage"], condition=Q(passage__isnull=False), name="accompagnement_un_par_passage"
            ),
        ]

    def __str__(self):
        return f"Accompagnement du {self.date:%d/%m/%Y} à {self.debut:%H:%M}"


class DemarcheRealisee(models.Model):
    """A démarche (or digital help) worked on during a sitting, with its outcome."""

    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="demarches", verbose_name="accompagnement"
    )
    demarche = models.ForeignKey(Demarche, on_delete=models.PROTECT, related_name="+", verbose_name="démarche")
    ordre = models.PositiveSmallIntegerField(default=0)
    resultat = models.CharField("résultat", max_length=32, choices=Resultat.choices)
    reference_dossier = models.CharField(
        "référence du dossier (facultative)",
        max_length=60,
        blank=True,
        validators=[FreeTextGuard(60)],
        help_text="Ex. numéro unique de demande de logement. Jamais d'identifiant de connexion.",
    )
    consentement = models.CharField("accord de la personne", max_length=32, choices=Consentement.choices, blank=True)
    suite_de = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suites",
        verbose_name="suite de la démarche",
    )

    class Meta:
        verbose_name = "démarche réalisée"
        verbose_name_plural = "démarches réalisées"
        ordering = ["accompagnement", "ordre"]

    def __str__(self):
        return str(self.demarche)


class EtapeRealisee(models.Model):
    demarche_realisee = models.ForeignKey(DemarcheRealisee, on_delete=models.CASCADE, related_name="etapes")
    code = models.CharField("étape", max_length=32, choices=Etape.choices)
    posture = models.CharField("posture", max_length=16, choices=Posture.choices)
    ordre = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "étape"
        ordering = ["demarche_realisee", "ordre"]
        constraints = [models.UniqueConstraint(fields=["demarche_realisee", "code"], name="etape_unique_par_demarche")]
        indexes = [models.Index(fields=["code", "posture"])]

    def __str__(self):
        return f"{self.get_code_display()} : {self.get_posture_display()}"


class PieceDemandee(models.Model):
    """Checklist of a démarche that continues over several visits."""

    demarche_realisee = models.ForeignKey(DemarcheRealisee, on_delete=models.CASCADE, related_name="pieces")
    libelle = models.CharField("pièce", max_length=120, validators=[FreeTextGuard(120)])
    fournie = models.BooleanField("fournie", default=False)

    class Meta:
        verbose_name = "pièce demandée"
        ordering = ["demarche_realisee", "pk"]

    def __str__(self):
        return self.libelle


class RevueQuerySet(MDSScopedQuerySet):
    mds_field = "demarche_realisee__accompagnement__mds"


class Revue(models.Model):
    """An intern's « à la place » act waiting for the tutor's acknowledgement (nothing is edited)."""

    demarche_realisee = models.OneToOneField(DemarcheRealisee, on_delete=models.CASCADE, related_name="revue")
    tuteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="revues_mediation",
        verbose_name="tuteur·rice",
    )
    acquittee_le = models.DateTimeField("vue le", null=True, blank=True)
    acquittee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    commentaire = models.TextField("commentaire (facultatif)", blank=True, validators=[FreeTextGuard(300)])
    lue_le = models.DateTimeField("lue par le ou la stagiaire le", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RevueQuerySet.as_manager()

    class Meta:
        verbose_name = "revue d'un acte « à la place »"
        ordering = ["acquittee_le", "-created_at"]

    def __str__(self):
        return f"Revue — {self.demarche_realisee}"


class Orientation(models.Model):
    """A hand-off: a travailleur social refers a visitor to the desk, or the desk hands back to a
    travailleur social or a partner structure."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="orientations", verbose_name="MDS")
    sens = models.CharField("sens", max_length=24, choices=SensOrientation.choices)
    usager = models.ForeignKey(
        "usagers.Usager",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations_mediation",
        verbose_name="usager",
    )
    emetteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="orientations_envoyees",
        verbose_name="émis par",
    )
    destinataire = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations_recues",
        verbose_name="destinataire",
        help_text="Laisser vide pour l'équipe (tous les médiateurs, ou tous les travailleurs sociaux).",
    )
    partenaire = models.ForeignKey(
        Partenaire, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="partenaire"
    )
    demarche = models.ForeignKey(
        Demarche, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="démarche"
    )
    demarche_realisee = models.ForeignKey(
        DemarcheRealisee, on_delete=models.SET_NULL, null=True, blank=True, related_name="orientations"
    )
    note = models.TextField(
        "note courte", blank=True, validators=[FreeTextGuard(300)], help_text="Objective et non sensible."
    )
    creneau_souhaite = models.DateTimeField("créneau souhaité (facultatif)", null=True, blank=True)
    statut = models.CharField(
        "statut", max_length=12, choices=StatutOrientation.choices, default=StatutOrientation.ENVOYEE
    )
    reponse = models.TextField("réponse (facultative)", blank=True, validators=[FreeTextGuard(300)])
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    updated_at = models.DateTimeField("mise à jour le", auto_now=True)

    objects = MDSScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "orientation"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["mds", "sens", "statut"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(sens=SensOrientation.VERS_PARTENAIRE) | Q(partenaire__isnull=False),
                name="orientation_partenaire_requis",
            )
        ]

    def __str__(self):
        return f"Orientation {self.get_sens_display().lower()} ({self.get_statut_display().lower()})"


# ---------------------------------------------------------------------------------------------
# Session log (journal de séance): append-only against the application itself (docs/securite.md).
# The application's database role may only SELECT and INSERT these tables; plain PL/pgSQL triggers
# (migration 0004) refuse every UPDATE, DELETE and TRUNCATE whatever the session settings; each
# activity with its démarches and steps is sealed in ``SceauJournal`` (keyed hash chain).


class JournalActiviteQuerySet(MDSScopedQuerySet):
    def courantes(self):
        """Entries not superseded by a correction and not cancelled: what statistics count."""
        return self.filter(remplacee_par__isnull=True, annulee=False)


class JournalActivite(models.Model):
    """One logged activity: an accompaniment or a held atelier session. Never updated or deleted;
    a correction is a new row whose ``remplace`` points at the previous version."""

    cle = models.CharField(
        "clé logique", max_length=80, db_index=True, help_text="accompagnement:<id> ou atelier:<seance_key>"
    )
    version = models.PositiveIntegerField(default=1)
    remplace = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remplacee_par",
        verbose_name="remplace l'entrée",
    )
    annulee = models.BooleanField("annulation", default=False)
    nature = models.CharField("nature", max_length=24, choices=Nature.choices)
    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date")
    debut = models.TimeField("début", null=True, blank=True)
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    source = models.CharField("venue", max_length=24, choices=Source.choices, blank=True)
    type_lieu = models.CharField("lieu", max_length=16, choices=TypeLieu.choices, blank=True)
    materiel = ArrayField(models.CharField(max_length=12), default=list, blank=True)
    participants = models.PositiveIntegerField("participants", default=1)
    usager_reference = models.CharField("référence pseudonyme", max_length=16, blank=True)
    usager = models.ForeignKey(
        "usagers.Usager", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    usager_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    mediateur = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    mediateur_stagiaire = models.BooleanField(default=False)
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )
    seance_key = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )

    objects = JournalActiviteQuerySet.as_manager()
    APPEND_ONLY_JOURNAL = True

    class Meta:
        verbose_name = "journal de séance — activité"
        verbose_name_plural = "journal de séance — activités"
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["mds", "date"]),
            models.Index(fields=["usager", "date"]),
            # « Données à jour au … » of the dashboards reads MAX(created_at): one index probe, not a scan.
            models.Index(fields=["created_at"], name="journal_activite_saisie_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["cle", "version"], name="journal_cle_version_unique")]

    def __str__(self):
        return f"{self.get_nature_display()} du {self.date:%d/%m/%Y} (v{self.version})"


class JournalDemarche(models.Model):
    """One démarche (or, for ateliers, one thématique) of a logged activity."""

    activite = models.ForeignKey(JournalActivite, on_delete=models.PROTECT, related_name="demarches")
    ordre = models.PositiveSmallIntegerField(default=0)
    demarche_code = models.CharField(max_length=60, blank=True)
    organisme_code = models.CharField(max_length=40, blank=True)
    thematique_code = models.CharField(max_length=60, blank=True)
    resultat = models.CharField(max_length=32, choices=Resultat.choices, blank=True)
    reserve_travailleur_social = models.BooleanField(default=False)
    oriente_vers = models.CharField(max_length=24, choices=SensOrientation.choices, blank=True)
    consentement = models.CharField(max_length=32, choices=Consentement.choices, blank=True)

    APPEND_ONLY_JOURNAL = True

    class Meta:
        verbose_name = "journal de séance — démarche"
        ordering = ["activite", "ordre"]

    def __str__(self):
        return self.demarche_code or self.thematique_code


class JournalEtape(models.Model):
    """One step of a logged démarche with its posture."""

    demarche = models.ForeignKey(JournalDemarche, on_delete=models.PROTECT, related_name="etapes")
    ordre = models.PositiveSmallIntegerField(default=0)
    etape_code = models.CharField(max_length=32, choices=Etape.choices)
    posture = models.CharField(max_length=16, choices=Posture.choices)

    APPEND_ONLY_JOURNAL = True

    class Meta:
        verbose_name = "journal de séance — étape"
        ordering = ["demarche", "ordre"]

    def __str__(self):
        return f"{self.etape_code}:{self.posture}"


def passage_model():
    """The queue passage model (accueil's ``Passage``) reached through ``Accompagnement.passage``:
    the one deliberate link from mediation to accueil (docs/architecture.md), without importing it."""
    return Accompagnement._meta.get_field("passage").related_model


class SceauJournal(models.Model):
    """Seal of one session-log activity: ``hash`` = HMAC(key, numero, previous seal, the activity with
    its démarches and steps). Numbered without gaps and chained, append-only like the log itself;
    checked by ``verifier_journal`` (mediation.sceau)."""

    APPEND_ONLY_JOURNAL = True
    JOURNAL_NAME = "seance"

    numero = models.BigIntegerField(unique=True)
    # A plain integer: the seal must outlive a deleted activity, to say it was deleted.
    activite_id = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    hash_precedent = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "sceau du journal de séance"
        verbose_name_plural = "sceaux du journal de séance"
        ordering = ["numero"]

    def __str__(self):
        return f"sceau n° {self.numero} (activité {self.activite_id})"
