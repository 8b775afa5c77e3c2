"""Initial referentials (domain brief §5): pure data, loaded by migration 0002 and editable
afterwards by coordinateurs in the admin. Codes are stable: the session log stores them."""

from .search import search_text

# Thématiques: codes of La Coop de la médiation numérique (snake_case).
THEMATIQUES = [
    ("aide_aux_demarches_administratives", "Aide aux démarches administratives"),
    ("argent_impots", "Argent, impôts"),
    ("social_sante", "Social, santé"),
    ("famille_scolarite", "Famille, scolarité"),
    ("travail_formation", "Travail, formation"),
    ("logement", "Logement"),
    ("transports_mobilite", "Transports, mobilité"),
    ("papiers_elections_citoyennete", "Papiers, élections, citoyenneté"),
    ("etrangers_europe", "Étrangers, Europe"),
    ("justice", "Justice"),
    ("email", "E-mail"),
    ("navigation_sur_internet", "Navigation sur internet"),
    ("prendre_en_main_du_materiel", "Prendre en main du matériel"),
    ("securite_numerique", "Sécurité numérique"),
    ("diagnostic_numerique", "Diagnostic numérique"),
    ("banque_et_achats_en_ligne", "Banque et achats en ligne"),
    ("sante", "Santé (numérique)"),
    ("bureautique", "Bureautique"),
    ("culture_numerique", "Culture numérique"),
    ("insertion_professionnelle", "Insertion professionnelle"),
]

ORGANISMES = [
    # code, nom, site
    ("caf", "CAF", "caf.fr"),
    ("dgfip", "Impôts (DGFiP)", "impots.gouv.fr"),
    ("logement", "Logement social", "demande-logement-social.gouv.fr"),
    ("cd13", "Conseil départemental", "departement13.fr"),
    ("cpam", "CPAM / ameli", "ameli.fr"),
    ("france_travail", "France Travail", "francetravail.fr"),
    ("ants", "ANTS", "ants.gouv.fr"),
    ("prefecture", "Préfecture / ANEF", "administration-etrangers-en-france.interieur.gouv.fr"),
    ("mdph", "MDPH", ""),
    ("retraite", "Assurance retraite (CNAV/CARSAT)", "lassuranceretraite.fr"),
    ("msa", "MSA", "msa.fr"),
    ("banque_de_france", "Banque de France", "banque-france.fr"),
    ("mairie", "Mairie / état civil", ""),
    ("education", "École, cantine, Parcoursup", ""),
    ("energie", "Énergie (chèque énergie)", "chequeenergie.gouv.fr"),
    ("banque", "Banque en ligne", ""),
    ("sante", "Santé (prise de rendez-vous)", ""),
]

ID, MAIL, NAV, SAISIE, PIECES, VERIF, VALID, JUSTIF, RDV, MSG, INSTALL, MANIP = (
    "identification",
    "creation_email",
    "navigation",
    "saisie",
    "pieces_justificatives",
    "verification",
    "validation_envoi",
    "justificatif",
    "prise_rendez_vous",
    "lecture_messages",
    "installation",
    "manipulation",
)
FORMULAIRE = [ID, NAV, SAISIE, PIECES, VERIF, VALID, JUSTIF]
CONSULTATION = [ID, NAV, JUSTIF]
DOMICILE = "Justificatif de domicile"
IDENTITE = "Pièce d'identité"
RESSOURCES = "Justificatifs de ressources"

# code, organisme code (None = aide numérique), libellé, thématique, étapes, pièces, réservée
DEMARCHES = [
    ("caf_rsa", "caf", "RSA (demande)", "social_sante", FORMULAIRE, [IDENTITE, RESSOURCES, "RIB"], False),
    ("caf_prime_activite", "caf", "Prime d'activité", "argent_impots", FORMULAIRE, [RESSOURCES], False),
    ("caf_apl", "caf", "APL / aides au logement", "logement", FORMULAIRE, ["Bail", RESSOURCES], False),
    ("caf_attestation", "caf", "Attestation de paiement", "social_sante", CONSULTATION, [], False),
    ("caf_changement_situation", "caf", "Changement de situation", "social_sante", FORMULAIRE, [], False),
    ("caf_declaration_trimestrielle", "caf", "Déclaration trimestrielle RSA", "social_sante", FORMULAIRE, [], True),
    ("caf_simulation", "caf", "Simulation de droits", "social_sante", [NAV, SAISIE], [], False),
    ("caf_compte", "caf", "Compte CAF (création, connexion)", "social_sante", [MAIL, ID, MSG], [], False),
    ("impots_declaration", "dgfip", "Déclaration de revenus", "argent_impots", FORMULAIRE, [RESSOURCES], False),
    ("impots_avis", "dgfip", "Avis d'imposition", "argent_impots", CONSULTATION, [], False),
    ("impots_prelevement", "dgfip", "Prélèvement à la source", "argent_impots", [ID, NAV, SAISIE, VALID], [], False),
    ("impots_compte", "dgfip", "Espace particulier (connexion)", "argent_impots", [ID, MSG], [], False),
    (
        "logement_demande",
        "logement",
        "Demande de logement social (SNE)",
        "logement",
        FORMULAIRE,
        [IDENTITE, RESSOURCES, "Avis d'imposition", DOMICILE],
        False,
    ),
    (
        "logement_renouvellement",
        "logement",
        "Renouvellement de la demande",
        "logement",
        [ID, SAISIE, VALID, JUSTIF],
        [RESSOURCES],
        False,
    ),
    ("logement_dalo", "logement", "DALO (recours)", "logement", [], [], True),
    ("logement_action_logement", "logement", "Action Logement", "logement", FORMULAIRE, [], False),
    ("cd_rsa_orientation", "cd13", "RSA (orientation, contrat)", "social_sante", [NAV, MSG, RDV], [], False),
    ("cd_apa", "cd13", "APA", "social_sante", FORMULAIRE, [IDENTITE, RESSOURCES], False),
    ("cd_pch", "cd13", "PCH", "social_sante", FORMULAIRE, [], False),
    ("cd_aides_sociales", "cd13", "Aides sociales", "social_sante", FORMULAIRE, [], False),
    ("cpam_compte", "cpam", "Compte ameli", "social_sante", [MAIL, ID, MSG], [], False),
    ("cpam_attestation", "cpam", "Attestation de droits", "social_sante", CONSULTATION, [], False),
    ("cpam_c2s", "cpam", "Complémentaire santé solidaire (C2S)", "social_sante", FORMULAIRE, [RESSOURCES], False),
    (
        "cpam_carte_vitale",
        "cpam",
        "Carte Vitale",
        "social_sante",
        [ID, NAV, PIECES, VALID],
        ["Photo d'identité"],
        False,
    ),
    ("ft_inscription", "france_travail", "Inscription", "travail_formation", FORMULAIRE, [IDENTITE, "CV"], False),
    (
        "ft_actualisation",
        "france_travail",
        "Actualisation mensuelle",
        "travail_formation",
        [ID, SAISIE, VALID],
        [],
        False,
    ),
    ("ft_attestation", "france_travail", "Attestation", "travail_formation", CONSULTATION, [], False),
    ("ft_cv", "france_travail", "CV", "travail_formation", [NAV, SAISIE, JUSTIF], [], False),
    ("ft_recherche", "france_travail", "Recherche d'emploi", "travail_formation", [ID, NAV, MSG], [], False),
    (
        "ants_identite",
        "ants",
        "Carte d'identité / passeport (pré-demande)",
        "papiers_elections_citoyennete",
        [ID, SAISIE, VALID, JUSTIF, RDV],
        ["Photo d'identité", DOMICILE],
        False,
    ),
    ("ants_permis", "ants", "Permis de conduire", "transports_mobilite", FORMULAIRE, [], False),
    ("ants_immatriculation", "ants", "Certificat d'immatriculation", "transports_mobilite", FORMULAIRE, [], False),
    (
        "prefecture_titre_sejour",
        "prefecture",
        "Titre de séjour",
        "etrangers_europe",
        FORMULAIRE,
        [IDENTITE, DOMICILE, "Photo d'identité"],
        False,
    ),
    ("prefecture_rdv", "prefecture", "Rendez-vous en préfecture", "etrangers_europe", [ID, NAV, RDV], [], False),
    ("mdph_dossier", "mdph", "Dossier de demande", "social_sante", FORMULAIRE, ["Certificat médical"], False),
    ("retraite_demande", "retraite", "Demande de retraite", "social_sante", FORMULAIRE, [], False),
    ("retraite_attestation", "retraite", "Attestation", "social_sante", CONSULTATION, [], False),
    ("msa_demarche", "msa", "Démarche MSA", "social_sante", FORMULAIRE, [], False),
    ("bdf_surendettement", "banque_de_france", "Surendettement", "argent_impots", [], [], True),
    (
        "mairie_etat_civil",
        "mairie",
        "Acte d'état civil",
        "papiers_elections_citoyennete",
        [NAV, SAISIE, VALID],
        [],
        False,
    ),
    ("education_cantine", "education", "Cantine, école", "famille_scolarite", FORMULAIRE, [], False),
    ("education_parcoursup", "education", "Parcoursup", "famille_scolarite", FORMULAIRE, [], False),
    ("energie_cheque", "energie", "Chèque énergie", "logement", [NAV, SAISIE, VALID], [], False),
    (
        "banque_en_ligne",
        "banque",
        "Banque en ligne (consultation)",
        "banque_et_achats_en_ligne",
        [INSTALL, ID, NAV],
        [],
        False,
    ),
    ("sante_rdv", "sante", "Rendez-vous médical en ligne", "sante", [ID, NAV, RDV], [], False),
    # Digital help without an organisme.
    ("aide_email", None, "Créer une adresse e-mail", "email", [MAIL, MSG], [], False),
    ("aide_mot_de_passe", None, "Récupérer un mot de passe", "securite_numerique", [ID, MSG], [], False),
    ("aide_application", None, "Installer une application", "prendre_en_main_du_materiel", [INSTALL, MANIP], [], False),
    ("aide_compte", None, "Créer un compte en ligne", "navigation_sur_internet", [MAIL, SAISIE, VALID], [], False),
    ("aide_scan", None, "Scanner / envoyer un document", "prendre_en_main_du_materiel", [PIECES], [], False),
    ("aide_impression", None, "Imprimer un document", "prendre_en_main_du_materiel", [JUSTIF], [], False),
    ("aide_navigation", None, "Naviguer sur internet, rechercher", "navigation_sur_internet", [NAV], [], False),
    ("aide_smartphone", None, "Utiliser un smartphone", "prendre_en_main_du_materiel", [MANIP, INSTALL], [], False),
    ("aide_coffre_fort", None, "Coffre-fort numérique", "securite_numerique", [INSTALL, PIECES], [], False),
    ("aide_securite", None, "Sécurité : arnaques, hameçonnage", "securite_numerique", [NAV, MSG], [], False),
    ("aide_diagnostic", None, "Diagnostic des compétences numériques", "diagnostic_numerique", [MANIP], [], False),
    ("aide_ecoute", None, "Écoute et analyse du besoin", "aide_aux_demarches_administratives", [], [], False),
]


def load(thematique_model, organisme_model, demarche_model) -> None:
    """Create or update the referentials (used by migration 0002 with historical models)."""
    thematiques = {}
    for index, (code, libelle) in enumerate(THEMATIQUES):
        thematiques[code], _ = thematique_model.objects.update_or_create(
            code=code, defaults={"libelle": libelle, "ordre": index + 1}
        )
    organismes = {}
    for index, (code, nom, site) in enumerate(ORGANISMES):
        organismes[code], _ = organisme_model.objects.update_or_create(
            code=code, defaults={"nom": nom, "site": site, "ordre": index + 1}
        )
    for index, (code, organisme, libelle, thematique, etapes, pieces, reserve) in enumerate(DEMARCHES):
        org = organismes.get(organisme)
        demarche_model.objects.update_or_create(
            code=code,
            defaults={
                "organisme": org,
                "libelle": libelle,
                "thematique": thematiques[thematique],
                "etapes_defaut": list(etapes),
                "pieces_defaut": list(pieces),
                "reserve_travailleur_social": reserve,
                "ordre": index + 1,
                "recherche": search_text(org.nom if org else "aide numerique", org.code if org else "", libelle, code),
            },
        )
