"""The vocabulary of La Coop de la médiation numérique, pinned (docs/interop.md).

Read from the Coop's public repository (inclusion-numerique/coop-mediation-numerique) at
``COOP_SOURCE_COMMIT``: the Prisma enums of ``apps/web/prisma/schema.prisma``, the API values of
``apps/web/src/app/api/v1/activites/route.ts`` and the labels of the activity fields used by its
XLSX export. The Coop has no import and no write API: "compatible" means exactly these codes.

Lives in ``mediation`` because the referentials that must stay inside it (thématiques) and their
validation live here; exports and the API feed (``interop``) read it from here.

When the Coop changes its vocabulary: update the dicts below and ``COOP_SOURCE_COMMIT`` together,
then run ``tests/mediation/test_coop_vocabulary.py`` — it fails on every referential, enum or
seeded value that fell outside."""

from django.core.exceptions import ValidationError

COOP_SOURCE_REPOSITORY = "inclusion-numerique/coop-mediation-numerique"
COOP_SOURCE_COMMIT = "46aa33bdf21c42c2d5bbb2913f5c453cca5a9542"  # 2026-06-30
COOP_SOURCE_FILES = (
    "apps/web/prisma/schema.prisma",
    "apps/web/src/app/api/v1/activites/route.ts",
    "apps/web/src/features/activites/use-cases/list/export/buildAccompagnementsWorksheet.ts",
)

# code → label (the Coop's own labels, used by the XLSX in its export layout)

TYPE_ACTIVITE = {
    # « demarche » was removed by the Coop in April 2025 (its rows became « individuel »).
    "individuel": "Accompagnement individuel",
    "collectif": "Atelier collectif",
}

THEMATIQUES_NON_ADMINISTRATIVES = {
    "diagnostic_numerique": "Diagnostic numérique",
    "prendre_en_main_du_materiel": "Prendre en main du matériel",
    "maintenance_de_materiel": "Maintenance de matériel",
    "gere_ses_contenus_numeriques": "Gérer ses contenus numériques",
    "navigation_sur_internet": "Navigation sur internet",
    "email": "E-mail",
    "bureautique": "Bureautique",
    "reseaux_sociaux": "Réseaux sociaux communication",
    "sante": "Santé",
    "banque_et_achats_en_ligne": "Banque et achats en ligne",
    "entrepreneuriat": "Accompagner un professionnel",
    "insertion_professionnelle": "Insertion professionnelle",
    "securite_numerique": "Prévention en sécurité numérique",
    "parentalite": "Parentalité",
    "scolarite_et_numerique": "Scolarité et numérique",
    "creer_avec_le_numerique": "Créer avec le numérique",
    "culture_numerique": "Culture numérique",
    "intelligence_artificielle": "Intelligence artificielle (IA)",
    "aide_aux_demarches_administratives": "Aide aux démarches administratives",
}
AIDE_DEMARCHES = "aide_aux_demarches_administratives"

# Accepted by the Coop only together with AIDE_DEMARCHES (its form shows them under that choice).
THEMATIQUES_ADMINISTRATIVES = {
    "papiers_elections_citoyennete": "Papiers - Élections - Citoyenneté",
    "famille_scolarite": "Famille - Scolarité",
    "social_sante": "Social - Santé",
    "travail_formation": "Travail - Formation - Entreprise",
    "logement": "Logement",
    "transports_mobilite": "Transports - Mobilité",
    "argent_impots": "Argent - Impôts",
    "justice": "Justice",
    "etrangers_europe": "Étrangers - Europe",
    "loisirs_sports_culture": "Loisirs - Sports - Culture",
    "associations": "Associations",
}
THEMATIQUES = {**THEMATIQUES_NON_ADMINISTRATIVES, **THEMATIQUES_ADMINISTRATIVES}

AUTONOMIE = {
    "entierement_accompagne": "Avec guidage",
    "partiellement_autonome": "Autonome avec guidage en cas de besoin",
    "autonome": "Autonome",
}
AUTONOMIE_ETOILES = {"entierement_accompagne": 1, "partiellement_autonome": 2, "autonome": 3}

TYPE_LIEU = {
    "lieu_activite": "Lieu d’activité",
    "autre": "Autre lieu",
    "domicile": "À domicile",
    "a_distance": "À distance",
}

MATERIEL = {
    "ordinateur": "Ordinateur",
    "telephone": "Téléphone",
    "tablette": "Tablette",
    "autre": "Autre",
    "aucun": "Pas de matériel",
}

STRUCTURE_DE_REDIRECTION = {
    "administration": "Administration (mairie, préfecture…)",
    "mediation_numerique": "Autre structure de médiation numérique",
    "operateur_ou_organisme_en_charge": "Opérateur ou organisme en charge de la démarche administrative",
    "aide_sociale": "Structure d’aide sociale (maison des solidarités, centre social…)",
    "insertion_professionnelle": (
        "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)"
    ),
    "aide_aux_demarches_administratives": "Structure d’aide aux démarches administratives (France Services…)",
    "autre": "Autre",
}

NIVEAU_ATELIER = {"debutant": "Débutant", "intermediaire": "Intermédiaire", "avance": "Avancé"}
NIVEAU_ATELIER_ETOILES = {"debutant": 1, "intermediaire": 2, "avance": 3}

GENRE = {"masculin": "Masculin", "feminin": "Féminin", "non_communique": "Non communiqué"}

TRANCHE_AGE = {
    "moins_de_douze": "Moins de 12 ans",
    "douze_dix_huit": "12 - 17 ans",
    "dix_huit_vingt_quatre": "18 - 24 ans",
    "vingt_cinq_trente_neuf": "25 - 39 ans",
    "quarante_cinquante_neuf": "40 - 59 ans",
    "soixante_soixante_neuf": "60 - 69 ans",
    "soixante_dix_plus": "70 ans et plus",
    "non_communique": "Non communiqué",
}

STATUT_SOCIAL = {
    "scolarise": "Scolarisé",
    "sans_emploi": "Sans emploi",
    "en_emploi": "En emploi",
    "retraite": "Retraité",
    "non_communique": "Non communiqué ou hétérogène",
}

API_CLIENT_SCOPES = ("statistiques", "activites", "structures", "lieux_activite", "utilisateurs")

# ---------------------------------------------------------------------------------------------
# Mapping from the project's codes (lossy where noted; docs/interop.md)

# Codes once seeded here that the Coop spells otherwise. The session log is append-only, so old
# entries keep the old code: exports translate it. Referentials were renamed by migration.
THEMATIQUE_ALIASES = {"etrangers_europeens": "etrangers_europe"}

# Posture of a step → Coop autonomy. Lossy: « à la place » and « avec » both become
# « entièrement accompagné » (the Coop has no notion of doing it for the person).
POSTURE_TO_AUTONOMIE = {
    "a_la_place": "entierement_accompagne",
    "avec": "entierement_accompagne",
    "faire_faire": "partiellement_autonome",
    "autonome": "autonome",
}

# Hand-off sense (mediation.enums.SensOrientation) → redirection. A partner carries its own code
# (Partenaire.structure_de_redirection, from its data·inclusion typology); this is the fallback.
SENS_TO_REDIRECTION = {
    "vers_travailleur_social": "aide_sociale",  # the MDS's social workers: « maison des solidarités »
    "vers_partenaire": "autre",
}


def thematique_coop(code: str) -> str:
    return THEMATIQUE_ALIASES.get(code, code)


def thematiques_valides(codes) -> list[str]:
    """Coop thématiques of an activity, in the Coop's order, with the administrative rule applied:
    an administrative thématique comes with ``aide_aux_demarches_administratives``. Unknown codes
    are dropped (the referential validation keeps them from appearing)."""
    found = {thematique_coop(c) for c in codes if c}
    found &= THEMATIQUES.keys()
    if found & THEMATIQUES_ADMINISTRATIVES.keys():
        found.add(AIDE_DEMARCHES)
    return [c for c in THEMATIQUES if c in found]


def erreurs_activite(activite: dict) -> list[str]:
    """Every way ``activite`` (Coop attribute names) breaks the pinned vocabulary; [] when valid."""
    errors = []

    def check(name, allowed, nullable=True):
        value = activite.get(name)
        if value is None and nullable:
            return
        if value not in allowed:
            errors.append(f"{name}={value!r}")

    check("type", TYPE_ACTIVITE, nullable=False)
    check("type_lieu", TYPE_LIEU, nullable=False)
    check("autonomie", AUTONOMIE)
    check("structure_de_redirection", STRUCTURE_DE_REDIRECTION)
    check("niveau_atelier", NIVEAU_ATELIER)
    for name, allowed in (("thematiques", THEMATIQUES), ("materiel", MATERIEL)):
        errors += [f"{name}∋{v!r}" for v in activite.get(name) or [] if v not in allowed]
    thems = set(activite.get("thematiques") or [])
    if thems & THEMATIQUES_ADMINISTRATIVES.keys() and AIDE_DEMARCHES not in thems:
        errors.append("thématique administrative sans aide_aux_demarches_administratives")
    if activite.get("precisions_demarche") and AIDE_DEMARCHES not in thems:
        errors.append("precisions_demarche sans aide_aux_demarches_administratives")
    if activite.get("structure_de_redirection") and not activite.get("oriente_vers_structure"):
        errors.append("structure_de_redirection sans oriente_vers_structure")
    if activite.get("type") == "individuel" and (activite.get("titre_atelier") or activite.get("niveau_atelier")):
        errors.append("titre/niveau d'atelier sur une activité individuelle")
    return errors


def validate_thematique_code(value: str) -> None:
    """Referential validator: a thématique code must be one of the Coop's (admin edits included)."""
    if value not in THEMATIQUES:
        raise ValidationError(
            "« %(value)s » n'est pas un code de thématique de La Coop de la médiation numérique.",
            code="coop_thematique",
            params={"value": value},
        )


def validate_structure_de_redirection(value: str) -> None:
    if value and value not in STRUCTURE_DE_REDIRECTION:
        raise ValidationError(
            "« %(value)s » n'est pas un type de structure de redirection de La Coop.",
            code="coop_redirection",
            params={"value": value},
        )
