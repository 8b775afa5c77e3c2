import json

import pytest
from django.urls import reverse

from core.roles import Role
from tests.usagers.factories import UsagerFactory
from usagers import hooks, services
from usagers.enums import OperationJournal
from usagers.models import AccesJournal, Usager

pytestmark = pytest.mark.django_db


@pytest.fixture
def usager(mds_a, mediateur):
    return services.create_usager(
        mds=mds_a,
        user=mediateur,
        reference="AAA-R2D2",
        prenom="Nadia",
        nom="Haddad",
        telephone="+33698765432",
        email="nadia@exemple.fr",
        canal_contact="sms",
        commune_insee="13055",
        genre="feminin",
        tranche_age="vingt_cinq_trente_neuf",
        equipements=["smartphone", "tablette"],
        internet_domicile=True,
        note="Revient jeudi avec ses justificatifs.",
    )


@pytest.fixture
def exporter_hook(monkeypatch):
    calls = []

    def export(usager):
        calls.append(usager.pk)
        return "Rendez-vous", [{"Date": "12/03/2026", "Motif": "CAF"}]

    monkeypatch.setattr(hooks, "exporters", [export])
    return calls


def test_json_export_is_complete_and_journaled(usager, mediateur, client_for, exporter_hook):
    client = client_for(mediateur)
    client.get(reverse("usagers:detail", kwargs={"pk": usager.pk}))
    response = client.post(reverse("usagers:exporter", kwargs={"pk": usager.pk}), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="donnees-AAA-R2D2.json"'
    data = json.loads(response.content)
    text = json.dumps(data, ensure_ascii=False)
    # Every stored personal value of the record is in the export.
    for value in ["AAA-R2D2", "Nadia", "Haddad", "6 98 76 54 32", "nadia@exemple.fr", "13055", "Féminin",
                  "25 à 39 ans", "Smartphone, Tablette", "Revient jeudi avec ses justificatifs.", "SMS"]:  # fmt: skip
        assert value in text, value
    exported_fields = set(data["sections"][0]["donnees"])
    assert len(exported_fields) >= len(services.EDITABLE_FIELDS) - 1
    journal = data["sections"][1]["donnees"]
    assert [row["Opération"] for row in journal] == ["Création", "Consultation"]
    assert data["sections"][2] == {"titre": "Rendez-vous", "donnees": [{"Date": "12/03/2026", "Motif": "CAF"}]}
    assert exporter_hook == [usager.pk]
    assert AccesJournal.objects.filter(operation=OperationJournal.EXPORT, usager_pk=usager.pk).count() == 1


def test_every_model_field_is_exported(usager):
    """A field added to Usager without being added to the export breaks this test."""
    from usagers.rights import fiche

    technical = {"id", "mds", "recherche"}
    fields = {f.name for f in Usager._meta.concrete_fields} - technical
    assert len(fiche(usager)) >= len(fields) + 1  # + the MDS name


def test_printable_export(usager, mediateur, client_for, exporter_hook):
    response = client_for(mediateur).post(reverse("usagers:exporter", kwargs={"pk": usager.pk}), {"format": "html"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Haddad" in html and "Rendez-vous" in html and "CAF" in html and "Création" in html
    assert 'data-action="print"' in html


def test_export_get_does_not_journal_and_bad_format_is_refused(usager, mediateur, client_for):
    client = client_for(mediateur)
    assert client.get(reverse("usagers:exporter", kwargs={"pk": usager.pk})).status_code == 200
    assert client.post(reverse("usagers:exporter", kwargs={"pk": usager.pk}), {"format": "xml"}).status_code == 302
    assert not AccesJournal.objects.filter(operation=OperationJournal.EXPORT).exists()


def test_accueil_cannot_export_or_anonymize(usager, make_user, client_for):
    client = client_for(make_user(Role.ACCUEIL))
    assert client.post(reverse("usagers:exporter", kwargs={"pk": usager.pk}), {"format": "json"}).status_code == 403
    assert client.post(reverse("usagers:anonymiser", kwargs={"pk": usager.pk}), {"confirmer": "oui"}).status_code == 403


def test_anonymize_needs_confirmation(usager, mediateur, client_for):
    client = client_for(mediateur)
    response = client.post(reverse("usagers:anonymiser", kwargs={"pk": usager.pk}), {})
    assert response.status_code == 400 and "Cochez la case" in response.content.decode()
    usager.refresh_from_db()
    assert usager.anonymise_le is None and usager.nom == "Haddad"


def test_anonymize_blanks_identity_keeps_bands_and_calls_hooks(usager, mediateur, client_for, monkeypatch):
    seen = []
    monkeypatch.setattr(hooks, "anonymizers", [lambda u: seen.append((u.pk, u.nom))])
    response = client_for(mediateur).post(reverse("usagers:anonymiser", kwargs={"pk": usager.pk}), {"confirmer": "oui"})
    assert response.status_code == 302
    usager.refresh_from_db()
    for field in ["prenom", "nom", "email", "commune_insee", "note", "recherche"]:
        assert getattr(usager, field) == "", field
    assert not usager.telephone
    assert usager.canal_contact == "aucun"
    assert (usager.genre, usager.tranche_age, usager.equipements) == (
        "feminin",
        "vingt_cinq_trente_neuf",
        ["smartphone", "tablette"],
    )
    assert usager.anonymise_le is not None
    assert seen == [(usager.pk, "")]
    assert AccesJournal.objects.filter(operation=OperationJournal.ANONYMISATION, usager_pk=usager.pk).count() == 1
    # Irreversible: no edit, no second anonymization, not listed any more.
    client = client_for(mediateur)
    assert client.get(reverse("usagers:modifier", kwargs={"pk": usager.pk})).status_code == 404
    assert services.anonymize_usager(usager=usager, user=mediateur) is False
    assert usager not in client.get(reverse("usagers:liste")).context["page"].object_list
    assert client.get(reverse("usagers:detail", kwargs={"pk": usager.pk})).status_code == 200


def test_journal_screen_for_director_only_and_filters(mds_a, mds_b, make_user, client_for):
    directeur = make_user(Role.DIRECTEUR)
    mediateur = make_user(Role.MEDIATEUR)
    other = make_user(Role.MEDIATEUR)
    u1 = UsagerFactory(mds=mds_a, reference="AAA-ONE1")
    u2 = UsagerFactory(mds=mds_a, reference="AAA-TWO2")
    u3 = UsagerFactory(mds=mds_b, reference="BBB-XXXX")
    from usagers.journal import log_access

    log_access(user=mediateur, mds=mds_a, operation="consultation", usager=u1)
    log_access(user=other, mds=mds_a, operation="modification", usager=u2)
    log_access(user=other, mds=mds_b, operation="consultation", usager=u3)
    assert client_for(mediateur).get(reverse("usagers:journal")).status_code == 403
    client = client_for(directeur)
    page = client.get(reverse("usagers:journal")).context["page"]
    assert {e.reference for e in page.object_list} == {"AAA-ONE1", "AAA-TWO2"}
    page = client.get(reverse("usagers:journal"), {"reference": "aaa-one1"}).context["page"]
    assert [e.reference for e in page.object_list] == ["AAA-ONE1"]
    page = client.get(reverse("usagers:journal"), {"acteur": other.pk}).context["page"]
    assert [e.reference for e in page.object_list] == ["AAA-TWO2"]
    html = client.get(reverse("usagers:journal")).content.decode()
    assert u1.nom not in html


def test_journal_screen_query_count(mds_a, make_user, client_for, django_assert_max_num_queries):
    from usagers.journal import log_access

    directeur = make_user(Role.DIRECTEUR)
    users = [make_user(Role.MEDIATEUR) for _ in range(5)]
    usager = UsagerFactory(mds=mds_a)
    for i in range(80):
        log_access(user=users[i % 5], mds=mds_a, operation="consultation", usager=usager)
    client = client_for(directeur)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("usagers:journal")).status_code == 200
