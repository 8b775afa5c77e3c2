import json
from pathlib import Path

import pytest
from django.core.management import call_command

from interop import datainclusion
from interop.models import ImportDataInclusion
from mediation import coop
from mediation.models import Partenaire
from tests.factories import MDSFactory

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).parent / "fixtures" / "data_inclusion.json"


@pytest.fixture
def mds_marseille(db):
    return MDSFactory(code="MRS", commune="Marseille", commune_insee="13201", code_postal="13001")


@pytest.fixture
def mds_marseille_2(db):
    return MDSFactory(code="MR2", commune="Marseille", commune_insee="13299", code_postal="13002")


@pytest.fixture
def mds_marignane(db):
    return MDSFactory(code="MAR", commune="Marignane", commune_insee="13054", code_postal="13700")


def test_import_of_the_fixture(mds_marseille, mds_marseille_2, mds_marignane):
    manual = Partenaire.objects.create(
        mds=mds_marseille, nom="Médiathèque du quartier", structure_de_redirection="autre"
    )
    run = datainclusion.importer(FIXTURE)
    assert not run.erreur and run.structures_lues == 7 and run.services_lus == 4
    assert run.crees == 3 and run.mis_a_jour == 0
    imported = {p.source_id: p for p in Partenaire.objects.filter(source="data_inclusion")}
    assert set(imported) == {"dora/s-fs-1", "dora/s-ccas-1", "soliguide/s-epn-1"}
    fs = imported["dora/s-fs-1"]
    assert fs.mds == mds_marseille and fs.siret == "13003013300016" and fs.typologie == "RFS"
    assert fs.structure_de_redirection == "aide_aux_demarches_administratives"
    assert fs.permanences == "Mo-Fr 09:00-12:00; PH off"
    assert fs.thematiques == "Accompagnement aux démarches, Accès à un ordinateur"
    ccas = imported["dora/s-ccas-1"]
    assert ccas.mds == mds_marseille_2  # same postcode
    assert ccas.typologie == "CCAS" and ccas.structure_de_redirection == "aide_sociale" and ccas.siret == ""
    assert imported["soliguide/s-epn-1"].structure_de_redirection == "mediation_numerique"
    for partner in imported.values():
        assert partner.structure_de_redirection in coop.STRUCTURE_DE_REDIRECTION
    reasons = {row["ligne"]: row["raison"] for row in run.ignores}
    assert reasons["dora/s-hors-1"] == "hors du département 13"
    assert reasons["dora/s-loin-1"] == "aucune MDS sur cette commune"
    assert reasons["structure 5"] == "identifiant ou nom manquant"
    assert reasons["structure 6"] == "ligne qui n'est pas un objet"
    assert reasons["service 4"] == "service sans structure_id ou sans nom"
    assert "champ_futur" in reasons["—"]
    manual.refresh_from_db()
    assert manual.source == "manuel" and manual.actif


def test_refresh_updates_deactivates_and_keeps_manual_partners(tmp_path, mds_marseille, mds_marseille_2, mds_marignane):
    manual = Partenaire.objects.create(mds=mds_marseille, nom="Saisi à la main")
    datainclusion.importer(FIXTURE)
    data = json.loads(FIXTURE.read_text())
    data["structures"][0]["nom"] = "France Services Alpha (nouveau nom)"
    del data["structures"][2]  # the EPN closed
    refreshed = tmp_path / "export.json"
    refreshed.write_text(json.dumps(data))
    run = datainclusion.importer(refreshed)
    assert run.crees == 0 and run.mis_a_jour == 2 and run.desactives == 1
    assert Partenaire.objects.get(source_id="dora/s-fs-1").nom == "France Services Alpha (nouveau nom)"
    assert not Partenaire.objects.get(source_id="soliguide/s-epn-1").actif
    assert Partenaire.objects.filter(source="data_inclusion").count() == 3  # nothing deleted
    manual.refresh_from_db()
    assert manual.actif and manual.nom == "Saisi à la main"


def test_unreadable_file_changes_nothing(tmp_path, mds_marseille, mds_marseille_2, mds_marignane):
    datainclusion.importer(FIXTURE)
    broken = tmp_path / "broken.json"
    broken.write_text('{"structures": [')
    run = datainclusion.importer(broken)
    assert run.erreur and ImportDataInclusion.objects.count() == 2
    assert Partenaire.objects.filter(source="data_inclusion", actif=True).count() == 3
    empty = tmp_path / "empty.json"
    empty.write_text('{"structures": [], "services": []}')
    assert datainclusion.importer(empty).desactives == 0
    assert Partenaire.objects.filter(source="data_inclusion", actif=True).count() == 3


def test_two_files_and_json_lines(tmp_path, mds_marseille, mds_marseille_2, mds_marignane):
    data = json.loads(FIXTURE.read_text())
    structures = tmp_path / "structures.json"
    structures.write_text(json.dumps(data["structures"]))
    services = tmp_path / "services.jsonl"
    services.write_text("\n".join(json.dumps(s) for s in data["services"]))
    run = datainclusion.importer(structures, services)
    assert run.crees == 3 and run.services_lus == 4


def test_command(capsys, mds_marseille, mds_marseille_2, mds_marignane):
    call_command("importer_data_inclusion", str(FIXTURE))
    out = capsys.readouterr().out
    assert "3 partenaire(s) créé(s)" in out and "hors du département" in out


def test_typology_mapping_covers_the_coop_enum():
    assert set(datainclusion.TYPOLOGIE_TO_REDIRECTION.values()) <= set(coop.STRUCTURE_DE_REDIRECTION)
    assert datainclusion.redirection_de("MDS") == "aide_sociale"
    assert datainclusion.redirection_de("XYZ") == "autre"
    assert datainclusion.typologie_de({"reseaux_porteurs": ["france-services"]}) == "FRANCE_SERVICES"


def test_periodic_task_is_declared():
    from core.periodic import declared_tasks

    names = {t["name"] for t in declared_tasks()}
    assert {"interop.importer_data_inclusion", "interop.synchroniser_agendas"} <= names
