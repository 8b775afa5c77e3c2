"""The Coop vocabulary is pinned (mediation/coop.py): every referential, enum and admin edit stays
inside it. When the Coop changes an enum, update mediation/coop.py and its source commit; this
file then says what fell outside."""

import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from ateliers import enums as ateliers_enums
from core.roles import Role
from mediation import coop, enums, referentials
from mediation.models import Demarche, Partenaire, Thematique
from usagers import enums as usagers_enums


def test_source_commit_is_pinned():
    assert len(coop.COOP_SOURCE_COMMIT) == 40 and int(coop.COOP_SOURCE_COMMIT, 16)
    assert coop.COOP_SOURCE_REPOSITORY == "inclusion-numerique/coop-mediation-numerique"


def test_coop_enums_as_read_at_the_pinned_commit():
    assert list(coop.TYPE_ACTIVITE) == ["individuel", "collectif"]  # « demarche » removed in April 2025
    assert len(coop.THEMATIQUES) == 30 and "etrangers_europe" in coop.THEMATIQUES_ADMINISTRATIVES
    assert len(coop.STRUCTURE_DE_REDIRECTION) == 7 and "aide_sociale" in coop.STRUCTURE_DE_REDIRECTION
    assert "maison des solidarités" in coop.STRUCTURE_DE_REDIRECTION["aide_sociale"]
    assert list(coop.NIVEAU_ATELIER) == ["debutant", "intermediaire", "avance"]
    assert not set(coop.THEMATIQUES_ADMINISTRATIVES) & set(coop.THEMATIQUES_NON_ADMINISTRATIVES)


def test_seed_referentials_use_coop_codes():
    for code, _label in referentials.THEMATIQUES:
        assert code in coop.THEMATIQUES, code
    seeded_codes = {code for code, _ in referentials.THEMATIQUES}
    for demarche in referentials.DEMARCHES:
        assert demarche[3] in seeded_codes, demarche


@pytest.mark.django_db
def test_every_thematique_in_the_database_is_a_coop_code():
    codes = set(Thematique.objects.values_list("code", flat=True))
    assert codes and codes <= set(coop.THEMATIQUES), codes - set(coop.THEMATIQUES)
    used = set(Demarche.objects.values_list("thematique__code", flat=True))
    assert used <= set(coop.THEMATIQUES)
    assert not Thematique.objects.filter(code="etrangers_europeens").exists()


def test_project_enums_map_into_coop_enums():
    assert set(enums.TypeLieu.values) == set(coop.TYPE_LIEU)
    assert set(enums.Materiel.values) == set(coop.MATERIEL)
    assert set(ateliers_enums.Equipement.values) <= set(coop.MATERIEL)
    assert set(ateliers_enums.Niveau.values) == set(coop.NIVEAU_ATELIER)
    assert set(ateliers_enums.Thematique.values) <= set(coop.THEMATIQUES)
    assert set(usagers_enums.Genre.values) == set(coop.GENRE)
    assert set(usagers_enums.TrancheAge.values) == set(coop.TRANCHE_AGE)
    assert set(usagers_enums.StatutSocial.values) == set(coop.STATUT_SOCIAL)
    # posture → autonomie: every posture mapped (lossy: two postures share one code)
    assert set(coop.POSTURE_TO_AUTONOMIE) == set(enums.Posture.values)
    assert set(coop.POSTURE_TO_AUTONOMIE.values()) == set(coop.AUTONOMIE)
    assert dict(enums.POSTURE_TO_COOP_AUTONOMIE) == coop.POSTURE_TO_AUTONOMIE
    assert set(coop.SENS_TO_REDIRECTION.values()) <= set(coop.STRUCTURE_DE_REDIRECTION)
    assert set(coop.THEMATIQUE_ALIASES.values()) <= set(coop.THEMATIQUES)
    choices = dict(Partenaire._meta.get_field("structure_de_redirection").choices)
    assert choices == coop.STRUCTURE_DE_REDIRECTION


def test_administrative_rule():
    assert coop.thematiques_valides(["argent_impots"]) == ["aide_aux_demarches_administratives", "argent_impots"]
    assert coop.thematiques_valides(["email", "etrangers_europeens", "inconnu"]) == [
        "email",
        "aide_aux_demarches_administratives",
        "etrangers_europe",
    ]
    assert coop.erreurs_activite({"type": "individuel", "type_lieu": "lieu_activite", "thematiques": ["logement"]})
    assert coop.erreurs_activite({"type": "demarche", "type_lieu": "lieu_activite"}) == ["type='demarche'"]
    assert not coop.erreurs_activite(
        {"type": "individuel", "type_lieu": "domicile", "thematiques": coop.thematiques_valides(["logement"])}
    )


@pytest.mark.django_db
def test_model_validation_refuses_a_non_coop_code():
    with pytest.raises(ValidationError) as error:
        Thematique(code="etrangers_europeens", libelle="Étrangers").full_clean()
    assert "La Coop" in str(error.value)
    Thematique(code="intelligence_artificielle", libelle="IA").full_clean()
    with pytest.raises(ValidationError):
        Partenaire(mds_id=1, nom="X", structure_de_redirection="structure_partenaire").clean_fields(exclude=["mds"])


@pytest.mark.django_db
def test_admin_edit_cannot_drift_from_the_coop(make_user, client_for):
    coordinateur = make_user(Role.COORDINATEUR, is_staff=True)
    client = client_for(coordinateur)
    theme = Thematique.objects.get(code="logement")
    url = reverse("admin:mediation_thematique_change", args=[theme.pk])
    response = client.post(url, {"code": "logement_social", "libelle": "Logement", "ordre": 5})
    assert response.status_code == 200 and "La Coop" in response.content.decode()
    theme.refresh_from_db()
    assert theme.code == "logement"
    response = client.post(
        reverse("admin:mediation_thematique_add"), {"code": "associations", "libelle": "Asso", "ordre": 9}
    )
    assert response.status_code == 302 and Thematique.objects.filter(code="associations").exists()


@pytest.mark.django_db
def test_data_migration_renames_old_codes():
    migration = importlib.import_module("mediation.migrations.0004_coop_vocabulary_and_partner_source")
    Thematique.objects.filter(code="etrangers_europe").update(code="etrangers_europeens")
    migration.rename_codes(apps, None)
    assert Thematique.objects.filter(code="etrangers_europe").count() == 1
    assert not Thematique.objects.filter(code="etrangers_europeens").exists()
    assert Demarche.objects.filter(code="prefecture_titre_sejour", thematique__code="etrangers_europe").exists()
