"""Where the secret guard applies: the one list of the project's free-text fields.

Every ``CharField``/``TextField`` of a model and every ``forms.CharField`` of a project form is either
in ``GUARDED`` (free text: it goes through ``core.text_guard``) or in ``NOT_FREE_TEXT`` with the reason
it cannot hold a typed secret. tests/core/test_free_text_fields.py introspects every model and every
form of the project and fails when a field is in neither list, so a new free-text field cannot escape
the guard unnoticed.

Model fields listed here that do not declare the validator themselves get it at start-up
(``apply_guard``, called by ``CoreConfig.ready``) — the same way Django's ``CharField`` adds its
``MaxLengthValidator`` — so the admin's forms, the project's ModelForms and every service's
``full_clean()`` all refuse a secret. Validators are not database state: no migration is needed.

Names are strings (« app_label.Model.field », « module.Form.field »): core imports no other app.
"""

from django.apps import apps

# --- model fields -----------------------------------------------------------------------------------
GUARDED_MODEL_FIELDS = (
    # core: what the admin types (structures and staff accounts)
    "core.MDS.nom",
    "core.MDS.adresse",
    "core.MDS.commune",
    "core.MDS.territoire",
    "core.User.first_name",
    "core.User.last_name",
    # usagers
    "usagers.Usager.prenom",
    "usagers.Usager.nom",
    "usagers.Usager.note",
    # accueil (the settings pages and the desk)
    "accueil.Motif.libelle",
    "accueil.Motif.libelle_en",
    "accueil.Motif.libelle_ar",
    "accueil.Fermeture.libelle",
    "accueil.RendezVous.prenom_ou_initiales",
    "accueil.Passage.prenom_ou_initiales",
    "accueil.Passage.guichet",
    "accueil.Passage.reorientation",
    "accueil.EcranSalle.nom",
    "borne.Borne.nom",
    # mediation (referentials are edited in the admin)
    "mediation.Thematique.libelle",
    "mediation.Organisme.nom",
    "mediation.Organisme.site",
    "mediation.Demarche.libelle",
    "mediation.Partenaire.nom",
    "mediation.Partenaire.adresse",
    "mediation.Partenaire.permanences",
    "mediation.Partenaire.contact",
    "mediation.Partenaire.thematiques",
    "mediation.Accompagnement.note",
    "mediation.DemarcheRealisee.reference_dossier",
    "mediation.PieceDemandee.libelle",
    "mediation.Revue.commentaire",
    "mediation.Orientation.note",
    "mediation.Orientation.reponse",
    # ateliers
    "ateliers.Atelier.titre",
    "ateliers.Atelier.description",
    "ateliers.Fermeture.motif",
    "ateliers.Seance.salle",
    "ateliers.Inscription.prenom_ou_initiales",
    # interop: the name the admin gives an API client
    "interop.ClientApi.nom",
)

NOT_FREE_TEXT = {
    # Choices, codes, hashes, tokens and generated values: nobody types free text in them.
    "core.MDS.code": "code technique (slug)",
    "core.MDS.code_postal": "code postal, 5 chiffres",
    "core.MDS.commune_insee": "code INSEE, 5 caractères",
    "core.MDS.telephone": "numéro de téléphone de la structure",
    "core.User.password": "empreinte du mot de passe (jamais le mot de passe)",
    "core.User.email": "adresse e-mail validée",
    "core.WorkerHeartbeat.name": "nom technique du worker Celery",
    "usagers.Usager.reference": "référence générée",
    "usagers.Usager.telephone": "numéro de téléphone validé",
    "usagers.Usager.email": "adresse e-mail validée",
    "usagers.Usager.commune_insee": "code INSEE",
    "usagers.Usager.recherche": "colonne de recherche calculée depuis les champs gardés",
    "usagers.AccesJournal.reference": "référence générée",
    "usagers.AccesJournal.hash_precedent": "empreinte",
    "usagers.AccesJournal.hash": "empreinte",
    "notifications.Message.recipient": "numéro ou adresse validés",
    "notifications.Message.language": "code de langue",
    "notifications.Message.last_error": "erreur technique du fournisseur",
    "notifications.Message.provider_message_id": "identifiant du fournisseur",
    "accueil.RendezVous.telephone": "numéro de téléphone validé",
    "borne.AlerteTicket.telephone": "numéro de portable validé (E.164), supprimé à l'appel du ticket",
    "borne.AlerteTicket.langue": "code de langue de la borne (fr, en, ar)",
    "accueil.EcranSalle.cle": "jeton généré",
    "borne.Borne.code_appairage_hash": "empreinte",
    "borne.Borne.identifiant_hash": "empreinte",
    "borne.CodeReservation.code": "code généré",
    "mediation.Thematique.code": "code technique (slug)",
    "mediation.Organisme.code": "code technique (slug)",
    "mediation.Demarche.code": "code technique (slug)",
    "mediation.Demarche.recherche": "colonne de recherche calculée",
    "mediation.JournalActivite.cle": "clé technique",
    "mediation.JournalActivite.usager_reference": "référence générée",
    "mediation.JournalActivite.seance_key": "clé technique",
    "mediation.JournalDemarche.demarche_code": "code du référentiel",
    "mediation.JournalDemarche.organisme_code": "code du référentiel",
    "mediation.JournalDemarche.thematique_code": "code du référentiel",
    "ateliers.Serie.regle": "règle de récurrence (RRULE) générée par le formulaire",
    "ateliers.Evenement.detail": "texte généré par le service (rang, capacité, motif choisi)",
    "pilotage.Rapport.etape": "étape technique de la génération",
    "pilotage.Rapport.erreur": "erreur technique",
    "pilotage.Rapport.empreinte": "empreinte",
    "pilotage.RapportVersion.empreinte": "empreinte",
    "pilotage.Destinataire.email": "adresse e-mail validée",
    "pilotage.ModificationTardive.source": "nom de table (écrit par un déclencheur)",
    "pilotage.ResumeActivite.nature": "code",
    "pilotage.ResumeActivite.source": "code",
    "pilotage.ResumeDemarche.nature": "code",
    "pilotage.ResumeDemarche.organisme_code": "code",
    "pilotage.ResumeDemarche.demarche_code": "code",
    "pilotage.ResumeDemarche.resultat": "code",
    "pilotage.ResumeDemarche.oriente_vers": "code",
    "pilotage.AgregatMois.dimension": "code",
    "pilotage.AgregatMois.categorie": "code",
    "pilotage.FigureFenetre.cle": "code",
    "pilotage.FigureFenetre.type": "code",
    "pilotage.FigureFenetre.perimetre": "code",
    "pilotage.MasquePublie.type": "code",
    "pilotage.MasquePublie.cle": "code",
    "pilotage.MasquePublie.categorie": "code",
    "core.PointDeControle.journal": "nom technique du journal scellé",
    "core.PointDeControle.tete": "empreinte",
    "core.PointDeControle.precedent": "empreinte",
    "core.PointDeControle.hmac": "empreinte",
    "core.CompteurTentatives.cle": "clé technique du compteur (empreinte, jamais l'identifiant tapé)",
    "borne.DemandeAide.ecran": "nom technique de l'écran de la borne",
    "mediation.Partenaire.typologie": "code de typologie data·inclusion",
    "mediation.Partenaire.siret": "numéro SIRET de la structure (importé)",
    "mediation.Partenaire.source_id": "identifiant de la structure à la source (importé)",
    "mediation.SceauJournal.hash_precedent": "empreinte",
    "mediation.SceauJournal.hash": "empreinte",
    "interop.ClientApi.secret_hash": "empreinte",
    "interop.AppelApi.chemin": "chemin d'API appelé (généré par le serveur)",
    "interop.AppelApi.parametres": "paramètres d'API (filtres techniques, relevés par le serveur)",
    "interop.AbonnementCalendrier.token_hash": "empreinte",
    "interop.AgendaExterne.url": "adresse d'agenda validée",
    "interop.AgendaExterne.contenu": "contenu d'agenda téléchargé (créneaux occupés)",
    "interop.AgendaExterne.erreur": "erreur technique",
    "interop.ImportDataInclusion.source": "code de la source d'import",
    "interop.ImportDataInclusion.erreur": "erreur technique",
}

# --- form fields that are not model fields ---------------------------------------------------------------
# ModelForm fields are guarded by their model field (``full_clean``). Plain form fields: guarded by a
# validator they declare (FreeTextGuard or guard_free_text), or listed here.
NOT_FREE_TEXT_FORM_FIELDS = {
    "accueil.borne.forms.AppairageForm.code": "code d'appairage à usage unique, jamais enregistré en clair",
    "accueil.borne.forms.TelephoneForm.telephone": "numéro de téléphone validé",
    "accueil.borne.forms.CodeForm.code": "code de réservation, comparé puis oublié",
    "accueil.forms.RendezVousForm.debut": "créneau (date et heure analysées)",
    "accueil.forms.RendezVousForm.telephone": "numéro de téléphone validé",
    "accueil.borne.forms.TicketTelephoneForm.telephone": "numéro de portable validé (phonenumbers, +33)",
    "accueil.forms.DeplacerForm.debut": "créneau (date et heure analysées)",
    "ateliers.forms.RechercheUsagerForm.q": "recherche, jamais enregistrée",
    "usagers.forms.JournalFilterForm.reference": "filtre de recherche, jamais enregistré",
    "core.forms.TOTPAuthenticateForm.code": "code TOTP à usage unique, vérifié puis oublié",
    "core.forms.TOTPReauthenticateForm.code": "code TOTP à usage unique, vérifié puis oublié",
    "mediation.forms.AccompagnementFiltreForm.q": "recherche, jamais enregistrée",
}


# Plain form fields whose ``clean_<field>`` calls the guard itself (with a message of its own).
GUARDED_IN_CLEAN = {
    "accueil.borne.forms.PrenomForm.prenom": "borne : « Écrivez seulement un prénom ou des initiales »",
}


def _guard_validators():
    from core.text_guard import FreeTextGuard, guard_free_text

    return FreeTextGuard, guard_free_text


def is_guarded(validators) -> bool:
    free_text_guard, guard_free_text = _guard_validators()
    return any(isinstance(v, free_text_guard) or v is guard_free_text for v in validators)


def model_field(label: str):
    app_label, model_name, field_name = label.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)


def apply_guard() -> None:
    """Give every listed model field the guard (at start-up), unless it declares it itself."""
    from core.text_guard import MAX_NOTE_LENGTH

    free_text_guard, _ = _guard_validators()
    for label in GUARDED_MODEL_FIELDS:
        field = model_field(label)
        if not is_guarded(field.validators):
            # The field's own MaxLengthValidator says « trop long »: the guard only looks for secrets.
            field.validators.append(free_text_guard(max(field.max_length or 0, MAX_NOTE_LENGTH)))
