from django.db import models


class Role(models.TextChoices):
    MEDIATEUR = "mediateur", "Médiateur·rice numérique"
    TUTEUR = "tuteur", "Tuteur·rice"
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur·se social·e"
    ACCUEIL = "accueil", "Agent d'accueil"
    DIRECTEUR = "directeur", "Directeur·rice de MDS"
    COORDINATEUR = "coordinateur", "Coordinateur·rice départemental·e"
    ADMIN = "admin", "Administrateur·rice"


# Roles that see every MDS (aggregated statistics, referentials), not only their own.
CROSS_MDS_ROLES = frozenset({Role.COORDINATEUR, Role.ADMIN})
