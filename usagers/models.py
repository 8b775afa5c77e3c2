import secrets

from django.contrib.postgres.fields import ArrayField
from django.db import models
from phonenumber_field.modelfields import PhoneNumberField

from core.models import MDS, MDSScopedQuerySet

from .enums import CanalContact, Equipement, Genre, Langue, StatutSocial, TrancheAge

# Unambiguous alphabet for references read aloud or copied by hand (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


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
        "référence", max_length=16, help_text="Référence pseudonyme, ex. MAL-7F3K. Seule information obligatoire."
    )
    prenom = models.CharField("prénom ou initiale", max_length=60, blank=True)
    nom = models.CharField("nom ou initiale", max_length=60, blank=True)
    telephone = PhoneNumberField("téléphone portable", blank=True, region="FR")
    email = models.EmailField("adresse e-mail", blank=True)
    canal_contact = models.CharField(
        "canal de contact préféré", max_length=8, choices=CanalContact.choices, default=CanalContact.AUCUN
    )
    opt_out_le = models.DateTimeField("refus des messages le", null=True, blank=True)
    langue = models.CharField("langue préférée", max_length=8, choices=Langue.choices, default=Langue.FR)
    besoin_interprete = models.BooleanField("besoin d'un interprète", default=False)
    difficulte_lecture = models.BooleanField("difficulté à lire ou écrire le français", default=False)
    commune_insee = models.CharField("commune (code INSEE)", max_length=5, blank=True)
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

    @property
    def display_name(self) -> str:
        """What the desk sees: the name when known, else the pseudonymous reference."""
        name = f"{self.prenom} {self.nom}".strip()
        return name or self.reference
