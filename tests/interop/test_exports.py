import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.roles import Role
from interop import coop_mapping, exports
from mediation import coop
from usagers.models import Usager

from ..pilotage.test_indicators import world  # noqa: F401 — the hand-counted fixture

pytestmark = pytest.mark.django_db
OCTOBER = {"du": "2026-10-01", "au": "2026-10-31"}


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]], body


def read_xlsx(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header_index = rows.index(tuple(exports.COLONNES_XLSX))
    return [dict(zip(exports.COLONNES_XLSX, r, strict=True)) for r in rows[header_index + 1 :]]


def test_csv_export_in_coop_codes_valid_against_the_pinned_enums(world, client_for, make_user):  # noqa: F811
    directeur = make_user(Role.DIRECTEUR, mds=world["mds_a"])
    response = client_for(directeur).get(reverse("interop:export_coop_csv"), OCTOBER)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    header, lines, body = read_csv(response)
    assert header == exports.COLONNES_CSV
    assert len(lines) == 6  # 5 accompaniments + 1 atelier of MDS A in October (cancelled one excluded)
    assert {line["structure"] for line in lines} == {"AAA"}
    for line in lines:
        activite = {
            **line,
            "thematiques": line["thematiques"].split(",") if line["thematiques"] else [],
            "materiel": line["materiel"].split(",") if line["materiel"] else [],
            **{k: (line[k] or None) for k in ("autonomie", "structure_de_redirection", "niveau_atelier")},
            "oriente_vers_structure": {"oui": True, "non": False, "": None}[line["oriente_vers_structure"]],
        }
        assert coop.erreurs_activite(activite) == [], line
        assert line["type"] in ("individuel", "collectif") and line["suppression"] == ""
    by_date = {line["date"]: line for line in lines}
    assert by_date["2026-10-02"]["type"] == "individuel"  # « demarche » no longer exists at the Coop
    assert by_date["2026-10-02"]["thematiques"] == "aide_aux_demarches_administratives,argent_impots"
    assert by_date["2026-10-02"]["precisions_demarche"] == "Prime d'activité"
    assert by_date["2026-10-02"]["autonomie"] == "entierement_accompagne"  # « avec »
    assert by_date["2026-10-15"]["autonomie"] == "autonome"
    assert by_date["2026-10-10"]["type"] == "collectif" and by_date["2026-10-10"]["accompagnements"] == "5"
    assert by_date["2026-10-10"]["thematiques"] == "email"
    assert by_date["2026-10-22"]["duree"] == "40"  # the corrected version
    assert by_date["2026-10-22"]["modification"] > by_date["2026-10-22"]["creation"]
    for usager in Usager.objects.all():  # anonymous: no name, no reference
        assert usager.reference not in body and (not usager.nom or usager.nom not in body)


def test_xlsx_export_in_the_coop_layout_from_the_same_mapping(world, client_for, make_user):  # noqa: F811
    coordinateur = make_user(Role.COORDINATEUR)
    response = client_for(coordinateur).get(reverse("interop:export_coop_xlsx"), OCTOBER)
    assert response.status_code == 200 and response["Content-Type"] == exports.XLSX_TYPE
    rows = read_xlsx(response)
    assert len(rows) == 7  # the Département: MDS B's accompaniment too
    csv_rows = read_csv(client_for(coordinateur).get(reverse("interop:export_coop_csv"), OCTOBER))[1]
    assert sorted(r["ID CRA"] for r in rows) == sorted(r["id"] for r in csv_rows)
    labels_type = set(coop.TYPE_ACTIVITE.values())
    for row in rows:
        assert row["Type"] in labels_type
        assert row["Canaux d’accompagnement"] in coop.TYPE_LIEU.values()
        for label in (row["Thématique(s) d’accompagnement"] or "").split("\n"):
            assert not label or label in coop.THEMATIQUES.values()
        assert (
            not row["Structure de redirection"]
            or row["Structure de redirection"] in coop.STRUCTURE_DE_REDIRECTION.values()
        )
    prime = next(r for r in rows if r["Nom de la démarche administrative"] == "Prime d'activité")
    assert prime["Thématique(s) d’accompagnement"] == "Aide aux démarches administratives\nArgent - Impôts"
    assert prime["Niveau d’autonomie (ou de l’atelier)"] == "1/3"


def test_export_scope_follows_the_role(world, client_for, make_user, mds_b):  # noqa: F811
    directeur = make_user(Role.DIRECTEUR, mds=world["mds_a"])
    assert client_for(directeur).get(reverse("interop:export_coop_csv"), {**OCTOBER, "mds": "BBB"}).status_code == 404
    colleague = make_user(Role.MEDIATEUR, mds=world["mds_a"])
    assert read_csv(client_for(colleague).get(reverse("interop:export_coop_csv"), OCTOBER))[1] == []
    mine = read_csv(client_for(world["med_a"]).get(reverse("interop:export_coop_csv"), OCTOBER))[1]
    assert len(mine) == 6
    social = make_user(Role.TRAVAILLEUR_SOCIAL, mds=world["mds_a"])
    assert client_for(social).get(reverse("interop:export_coop_csv"), OCTOBER).status_code == 403
    assert client_for(directeur).get(reverse("interop:export_coop_csv"), {"du": "x"}).status_code == 400


def test_orientations_carry_the_right_redirection_code(mds_a, make_user):
    from mediation.models import Partenaire
    from mediation.services import OrientationInput

    from ..mediation.factories import item, log

    med = make_user(Role.MEDIATEUR, mds=mds_a)
    partner = Partenaire.objects.create(
        mds=mds_a, nom="France Services", structure_de_redirection="aide_aux_demarches_administratives"
    )
    to_partner = OrientationInput(sens="vers_partenaire", partenaire=partner)
    log(mds_a, med, date=dt.date(2026, 10, 5), items=[item("caf_apl", resultat="orientee", orientation=to_partner)])
    to_social = OrientationInput(sens="vers_travailleur_social")
    log(mds_a, med, date=dt.date(2026, 10, 6), items=[item("caf_rsa", resultat="orientee", orientation=to_social)])
    log(mds_a, med, date=dt.date(2026, 10, 7), items=[item("caf_rsa")])
    by_date = {a["date"]: a for a in coop_mapping.activites(coop_mapping.entrees())}
    assert by_date["2026-10-05"]["structure_de_redirection"] == "aide_aux_demarches_administratives"
    assert by_date["2026-10-06"]["structure_de_redirection"] == "aide_sociale"  # the MDS's social workers
    assert by_date["2026-10-07"]["structure_de_redirection"] is None
    assert [by_date[d]["oriente_vers_structure"] for d in sorted(by_date)] == [True, True, False]
    for activite in by_date.values():
        assert coop.erreurs_activite(activite) == []


def test_atelier_carries_title_level_and_equipment(mds_a, make_user):
    from ateliers.models import ParticipantAnonyme
    from ateliers.services import cloturer_emargement
    from tests.ateliers.factories import SeanceFactory

    med = make_user(Role.MEDIATEUR, mds=mds_a)
    seance = SeanceFactory(
        atelier__mds=mds_a,
        atelier__titre="Découvrir l'e-mail",
        atelier__niveau="intermediaire",
        atelier__equipements=["ordinateur", "tablette"],
        atelier__thematiques=["email"],
        debut=timezone.now() - dt.timedelta(hours=3),
        capacite=8,
        animateur=med,
    )
    ParticipantAnonyme.objects.create(
        mds=mds_a, seance=seance, tranche_age="non_communique", deja_accompagne=False, nombre=4
    )
    cloturer_emargement(seance_id=seance.pk, par=med)
    [activite] = coop_mapping.activites(coop_mapping.entrees())
    assert activite["type"] == "collectif" and activite["accompagnements"] == 4
    assert activite["titre_atelier"] == "Découvrir l'e-mail" and activite["niveau_atelier"] == "intermediaire"
    assert activite["materiel"] == ["ordinateur", "tablette"] and activite["thematiques"] == ["email"]
    assert coop.erreurs_activite(activite) == []


def test_mapping_reads_a_page_in_constant_queries(world):  # noqa: F811
    with CaptureQueriesContext(connection) as small:
        coop_mapping.activites(coop_mapping.entrees()[:2])
    with CaptureQueriesContext(connection) as large:
        coop_mapping.activites(coop_mapping.entrees())
    assert len(large.captured_queries) == len(small.captured_queries) <= 7


def test_autonomy_ties_go_to_the_more_accompanied():
    assert coop_mapping.autonomie_coop(["a_la_place", "faire_faire"]) == "entierement_accompagne"
    assert coop_mapping.autonomie_coop(["faire_faire", "autonome"]) == "partiellement_autonome"
    assert coop_mapping.autonomie_coop(["avec", "autonome", "autonome"]) == "autonome"
    assert coop_mapping.autonomie_coop([]) is None
