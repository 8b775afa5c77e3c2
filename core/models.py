from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from .journal_hash import keyed_hash, timestamp
from .roles import CROSS_MDS_ROLES, Role


class MDS(models.Model):
    """A Maison départementale de la solidarité: the unit every record is scoped to."""

    code = models.SlugField("code", max_length=20, unique=True, help_text="Court et stable, ex. MAL.")
    nom = models.CharField("nom", max_length=120)
    adresse = models.CharField("adresse", max_length=255, blank=True)
    code_postal = models.CharField("code postal", max_length=5, blank=True)
    commune = models.CharField("commune", max_length=80, blank=True)
    commune_insee = models.CharField("code INSEE de la commune", max_length=5, blank=True)
    territoire = models.CharField("territoire", max_length=80, blank=True)
    telephone = models.CharField("téléphone de l'accueil", max_length=20, blank=True)
    active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "MDS"
        verbose_name_plural = "MDS"
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    @property
    def adresse_complete(self):
        return ", ".join(p for p in [self.adresse, f"{self.code_postal} {self.commune}".strip()] if p)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", Role.ADMIN)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A staff member. Visitors (usagers) never have an account."""

    email = models.EmailField("adresse e-mail", unique=True)
    first_name = models.CharField("prénom", max_length=80, blank=True)
    last_name = models.CharField("nom", max_length=80, blank=True)
    role = models.CharField("rôle", max_length=24, choices=Role.choices, default=Role.MEDIATEUR)
    stagiaire = models.BooleanField(
        "stagiaire",
        default=False,
        help_text="Stagiaire ME-MSN : ses actes « à la place » vont en revue au tuteur.",
    )
    tuteur = models.ForeignKey(
        "self",
        verbose_name="tuteur·rice",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stagiaires",
    )
    mds = models.ManyToManyField(MDS, through="Membership", related_name="staff", verbose_name="MDS")
    is_active = models.BooleanField("actif", default=True)
    is_staff = models.BooleanField("accès à l'administration technique", default=False)
    date_joined = models.DateTimeField("créé le", default=timezone.now)

    objects = UserManager()
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = "membre du personnel"
        verbose_name_plural = "membres du personnel"
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @property
    def sees_all_mds(self) -> bool:
        return self.role in CROSS_MDS_ROLES

    def mds_list(self):
        """MDS the user works in (the current-MDS switcher offers these)."""
        return MDS.objects.filter(active=True, memberships__user=self).distinct()


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    mds = models.ForeignKey(MDS, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rattachement"
        constraints = [models.UniqueConstraint(fields=["user", "mds"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} — {self.mds}"


class MDSScopedQuerySet(models.QuerySet):
    """Base queryset of every MDS-owned model (model must have an ``mds`` foreign key)."""

    mds_field = "mds"

    def for_mds(self, mds):
        return self.filter(**{self.mds_field: mds})

    def for_request(self, request):
        """The records of the request's current MDS: what desk screens and object views use."""
        if getattr(request, "mds", None) is None:
            return self.none()
        return self.for_mds(request.mds)

    def for_user(self, user):
        """Every record of the MDS the user belongs to (all MDS for coordinateurs/admins)."""
        if not user.is_authenticated:
            return self.none()
        if user.sees_all_mds:
            return self.all()
        return self.filter(**{f"{self.mds_field}__memberships__user": user})


class WorkerHeartbeat(models.Model):
    """Last time a Celery worker ran the heartbeat task (shown to admins; proves the worker runs)."""

    name = models.CharField(max_length=80, unique=True)
    last_seen = models.DateTimeField()
    runs = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "signal de vie du worker"

    def __str__(self):
        return f"{self.name} — {self.last_seen:%d/%m/%Y %H:%M}"


class PointDeControle(models.Model):
    """Checkpoint of an append-only journal (docs/securite.md): « at this time, the journal ``journal``
    held entries up to ``numero``, ``nombre`` of them, the last one hashing to ``tete`` ». A purge
    checkpoint says instead that entries up to ``numero`` (``nombre`` of them, the last hashing to
    ``tete``) were deleted by the retention purge. Each checkpoint is keyed (HMAC, key outside the
    database) and chained to the previous one of its journal; the table is append-only like the
    journals, and every checkpoint is also written to the technical log (an external copy)."""

    APPEND_ONLY_JOURNAL = True

    class Nature(models.TextChoices):
        PERIODIQUE = "periodique", "Périodique"
        PURGE = "purge", "Purge de rétention"

    journal = models.CharField(max_length=24)
    nature = models.CharField(max_length=12, choices=Nature.choices)
    created_at = models.DateTimeField()
    numero = models.BigIntegerField("numéro de la dernière entrée couverte")
    nombre = models.BigIntegerField("nombre d'entrées")
    tete = models.CharField("empreinte de la dernière entrée", max_length=64, blank=True)
    precedent = models.CharField(max_length=64, blank=True)
    hmac = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "point de contrôle de journal"
        verbose_name_plural = "points de contrôle de journal"
        ordering = ["journal", "id"]
        indexes = [models.Index(fields=["journal", "id"])]

    def __str__(self):
        return f"{self.journal} n° {self.numero} ({self.get_nature_display().lower()})"

    def compute_hmac(self) -> str:
        return keyed_hash(
            "point", self.journal, self.nature, timestamp(self.created_at), self.numero, self.nombre, self.tete,
            self.precedent,
        )  # fmt: skip


class CompteurTentatives(models.Model):
    """Login-throttle counters used when Redis does not answer (core/throttle.py). Keys are hashes:
    neither an address nor an e-mail is stored."""

    cle = models.CharField(max_length=120, unique=True)
    nombre = models.BigIntegerField(default=0)
    expire_le = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "compteur de tentatives"

    def __str__(self):
        return self.cle
