import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from core.journal_hash import keyed_hash, timestamp
from core.models import MDS, MDSScopedQuerySet
from core.text_guard import FreeTextGuard, guard_free_text

from .consultations import note_loaded
from .enums import CanalContact, Equipement, Genre, Langue, OperationJournal, StatutSocial, TrancheAge

# Unambiguous alphabet for references read aloud or copied by hand (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_VALIDATOR = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,15}$",
    "La référence contient seulement des majuscules sans accent, des chiffres et des tirets (ex. MAL-7F3K).",
)
INSEE_VALIDATOR = RegexValidator(
    r"^(\d{5}|2[AB]\d{3})$", "Le code INSEE de la commune compte 5 caractères (ex. 13201 pour Marseille 1er)."
)


def new_reference_suffix(length: int = 4) -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


class UsagerQuerySet(MDSScopedQuerySet):
    def not_anonymized(self):
        return self.filter(anonymise_le__isnull=True)


class Usager(models.Model):
    """A visitor. Minimal and pseudonymous by default: only ``reference`` is required.

    Never stored here or anywhere: passwords, online-service identifiers, NIR, bank details, health,
    opinions (domain brief §7). No birth date, no address beyond the commune."""

    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, related_name="usagers", verbose_name="MDS")
    reference = models.CharField(
        "référence",
        max_length=16,
        help_text="Référence pseudonyme, ex. MAL-7F3K. Seule information obligatoire.",
        validators=[REFERENCE_VALIDATOR],
    )
    prenom = models.CharField("prénom ou initiale", max_length=60, blank=True, validators=[FreeTextGuard(60)])
    nom = models.CharField("nom ou initiale", max_length=60, blank=True, validators=[FreeTextGuard(60)])
    telephone = PhoneNumberField("téléphone portable", blank=True, region="FR")
    email = models.EmailField("adresse e-mail", blank=True)
    canal_contact = models.CharField(
        "canal de contact préféré", max_length=8, choices=CanalContact.choices, default=CanalContact.AUCUN
    )
    opt_out_le = models.DateTimeField("refus des messages le", null=True, blank=True)
    langue = models.CharField("langue préférée", max_length=8, choices=Langue.choices, default=Langue.FR)
    besoin_interprete = models.BooleanField("besoin d'un interprète", default=False)
    difficulte_lecture = models.BooleanField("difficulté à lire ou écrire le français", default=False)
    commune_insee = models.CharField(
        "commune (code INSEE)",
        max_length=5,
        blank=True,
        validators=[INSEE_VALIDATOR],
        help_text="Ex. 13201 ; facultatif.",
    )
    genre = models.CharField("genre", max_length=16, choices=Genre.choices, default=Genre.NON_COMMUNIQUE)
    tranche_age = models.CharField(
        "tranche d'âge", max_length=32, choices=TrancheAge.choices, default=TrancheAge.NON_COMMUNIQUE
    )
    statut_social = models.CharField(
        "statut social", max_length=16, choices=StatutSocial.choices, default=StatutSocial.NON_COMMUNIQUE
    )
    equipements = ArrayField(
        models.CharField(max_length=16, choices=Equipement.choices), verbose_name="équipement", default=list, blank=True
    )
    internet_domicile = models.BooleanField("internet à domicile", null=True, blank=True)
    note = models.TextField(
        "note de suivi",
        max_length=500,
        blank=True,
        validators=[guard_free_text],
        help_text="Courte, factuelle, facultative (500 caractères). La personne peut la lire. "
        "Jamais de mot de passe, d'identifiant, de numéro de sécurité sociale, de donnée bancaire ou de santé.",
    )
    # Accent-free, lower-case "prenom nom" filled by the application: the embedded PostgreSQL has no
    # unaccent extension, so prefix search runs on this column.
    recherche = models.CharField(max_length=130, blank=True, editable=False, db_index=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    updated_at = models.DateTimeField("modifié le", auto_now=True)
    last_contact_at = models.DateTimeField("dernier contact", null=True, blank=True, db_index=True)
    anonymise_le = models.DateTimeField("anonymisé le", null=True, blank=True)

    objects = UsagerQuerySet.as_manager()

    class Meta:
        verbose_name = "usager"
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["mds", "reference"], name="usager_reference_unique_par_mds")]

    def __str__(self):
        return self.reference

    @classmethod
    def from_db(cls, db, field_names, values):
        """Every visitor the ORM loads during a staff request is noted for the access journal
        (usagers.consultations: one journal write per request)."""
        instance = super().from_db(db, field_names, values)
        note_loaded(instance.pk)
        return instance

    @property
    def display_name(self) -> str:
        """What the desk sees: the name when known, else the pseudonymous reference."""
        name = f"{self.prenom} {self.nom}".strip()
        return name or self.reference


class AccesJournalQuerySet(MDSScopedQuerySet):
    pass


class AccesJournal(models.Model):
    """Access journal of visitor files (CNIL délibération 2021-122): who, when, which operation, which
    record (its pseudonymous reference only — never a personal value).

    Append-only against the application itself (docs/securite.md): the application's database role
    may only SELECT and INSERT; plain PL/pgSQL triggers refuse every UPDATE and TRUNCATE, and every
    DELETE except the retention purge's (the owner-defined function ``usagers_purger_journal``,
    entries older than six months only). Entries are numbered without gaps (``numero``) and chained
    by a keyed hash (HMAC-SHA256, key outside the database); checkpoints (``core.PointDeControle``)
    let ``manage.py verifier_journal`` detect edits, deletions (oldest included), truncation and a
    chain recomputed without the key."""

    APPEND_ONLY_JOURNAL = True
    JOURNAL_NAME = "acces"

    numero = models.BigIntegerField("numéro", unique=True)
    mds = models.ForeignKey(MDS, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    acteur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="membre du personnel",
        help_text="Vide : opération automatique (rétention).",
    )
    created_at = models.DateTimeField("date", db_index=True)
    operation = models.CharField("opération", max_length=24, choices=OperationJournal.choices)
    # Plain integer, not a foreign key: the journal never changes when a visitor record does.
    usager_pk = models.BigIntegerField(null=True, blank=True)
    reference = models.CharField("référence", max_length=16, blank=True, db_index=True)
    nombre = models.PositiveIntegerField("nombre", null=True, blank=True)
    hash_precedent = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AccesJournalQuerySet.as_manager()

    class Meta:
        verbose_name = "entrée du journal des accès"
        verbose_name_plural = "journal des accès"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.operation} {self.reference}"

    def compute_hash(self) -> str:
        return keyed_hash(
            "acces", self.numero, self.hash_precedent, timestamp(self.created_at), self.mds_id, self.acteur_id,
            self.operation, self.usager_pk, self.reference, self.nombre,
        )  # fmt: skip
