import pytest
from django.urls import reverse

from core.roles import Role
from tests.usagers.factories import UsagerFactory
from usagers import hooks
from usagers.enums import OperationJournal
from usagers.models import AccesJournal, Usager

pytestmark = pytest.mark.django_db


def test_liste_shows_only_current_mds_and_paginates(mds_a, mds_b, mediateur, client_for):
    UsagerFactory.create_batch(30, mds=mds_a)
    other = UsagerFactory(mds=mds_b, reference="BBB-ZZZZ")
    response = client_for(mediateur).get(reverse("usagers:liste"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30
    assert len(page.object_list) == 25
    assert other.reference not in response.content.decode()
    response = client_for(mediateur).get(reverse("usagers:liste"), {"page": 2})
    assert len(response.context["page"].object_list) == 5


def test_search_by_reference_name_prefix_and_phone(mds_a, mediateur, client_for):
    from usagers import services

    target = services.create_usager(
        mds=mds_a, user=mediateur, reference="AAA-K7QX", prenom="Hélène", nom="Durand-Éluard", telephone="+33612345678"
    )
    services.create_usager(mds=mds_a, user=mediateur, reference="AAA-M2PN", prenom="Karim", nom="Benali")
    client = client_for(mediateur)
    for query in ["AAA-K7", "aaa-k7qx", "hel", "HÉLÈNE", "durand", "eluard", "06 12 34 56 78", "+33612345678"]:
        found = list(client.get(reverse("usagers:liste"), {"q": query}).context["page"].object_list)
        assert found == [target], query
    assert list(client.get(reverse("usagers:liste"), {"q": "zorro"}).context["page"].object_list) == []


def test_liste_forbidden_for_coordinateur(make_user, client_for):
    user = make_user(Role.COORDINATEUR)
    assert client_for(user).get(reverse("usagers:liste")).status_code == 403


def test_create_with_reference_only(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    response = client.get(reverse("usagers:nouveau"))
    suggested = response.context["form"].initial["reference"]
    assert suggested.startswith("AAA-") and len(suggested) == 8
    response = client.post(
        reverse("usagers:nouveau"),
        {
            "reference": suggested,
            "canal_contact": "aucun",
            "langue": "fr",
            "genre": "non_communique",
            "tranche_age": "non_communique",
            "statut_social": "non_communique",
        },
    )
    usager = Usager.objects.get(reference=suggested)
    assert response.status_code == 302 and response["Location"] == reverse("usagers:detail", kwargs={"pk": usager.pk})
    assert usager.mds == mds_a and usager.prenom == ""
    entry = AccesJournal.objects.get(operation=OperationJournal.CREATION)
    assert entry.reference == suggested and entry.acteur == mediateur and entry.mds == mds_a


def base_data(**extra):
    data = {
        "reference": "AAA-TEST",
        "canal_contact": "aucun",
        "langue": "fr",
        "genre": "non_communique",
        "tranche_age": "non_communique",
        "statut_social": "non_communique",
    }
    data.update(extra)
    return data


def test_create_errors_are_french_and_keep_input(mds_a, mediateur, client_for):
    UsagerFactory(mds=mds_a, reference="AAA-TEST")
    response = client_for(mediateur).post(
        reverse("usagers:nouveau"),
        base_data(prenom="Lina", canal_contact="sms", note="mdp : Soleil2024!", commune_insee="1320"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "déjà utilisée" in str(form.errors["reference"])
    assert "téléphone" in str(form.errors["telephone"])
    assert "mot de passe" in str(form.errors["note"])
    assert "INSEE" in str(form.errors["commune_insee"])
    html = response.content.decode()
    assert "Le formulaire contient" in html and 'value="Lina"' in html
    assert Usager.objects.count() == 1


def test_duplicate_hint_then_confirm(mds_a, mediateur, client_for):
    existing = UsagerFactory(mds=mds_a, prenom="Awa", nom="Diallo", recherche="awa diallo")
    client = client_for(mediateur)
    response = client.post(reverse("usagers:nouveau"), base_data(prenom="AWA", nom="Diallo"))
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert reverse("usagers:detail", kwargs={"pk": existing.pk}) in response.content.decode()
    assert Usager.objects.count() == 1
    response = client.post(reverse("usagers:nouveau"), base_data(prenom="AWA", nom="Diallo", confirmer_doublon="1"))
    assert response.status_code == 302
    assert Usager.objects.count() == 2


def test_duplicate_hint_same_phone(mds_a, mds_b, mediateur, client_for):
    UsagerFactory(mds=mds_b, telephone="+33611223344")
    client = client_for(mediateur)
    response = client.post(reverse("usagers:nouveau"), base_data(telephone="06 11 22 33 44"))
    assert response.status_code == 302  # same phone in another MDS is not a hint
    response = client.post(reverse("usagers:nouveau"), base_data(reference="AAA-OTHR", telephone="0611223344"))
    assert response.status_code == 200 and len(response.context["duplicates"]) == 1


def test_detail_logs_read_and_renders_history_sections(mds_a, mediateur, client_for, monkeypatch):
    usager = UsagerFactory(mds=mds_a)
    section = hooks.HistorySection(10, "Rendez-vous de test", "usagers/tests/section.html", lambda r, u: {"n": 3})
    hidden = hooks.HistorySection(20, "Section cachée", "usagers/tests/section.html", lambda r, u: None)
    monkeypatch.setattr(hooks, "history_sections", [section, hidden])
    response = client_for(mediateur).get(reverse("usagers:detail", kwargs={"pk": usager.pk}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rendez-vous de test" in html and "Section cachée" not in html
    entry = AccesJournal.objects.get()
    assert (entry.operation, entry.usager_pk, entry.reference, entry.acteur) == (
        OperationJournal.CONSULTATION,
        usager.pk,
        usager.reference,
        mediateur,
    )


def test_detail_of_other_mds_is_404(mds_b, mediateur, client_for):
    usager = UsagerFactory(mds=mds_b)
    assert client_for(mediateur).get(reverse("usagers:detail", kwargs={"pk": usager.pk})).status_code == 404
    assert not AccesJournal.objects.exists()


def test_edit_updates_search_key_and_journals(mds_a, mediateur, client_for):
    usager = UsagerFactory(mds=mds_a, reference="AAA-TEST")
    response = client_for(mediateur).post(
        reverse("usagers:modifier", kwargs={"pk": usager.pk}),
        base_data(
            prenom="Zoé",
            nom="Martin",
            canal_contact="email",
            email="Zoe@Exemple.fr",
            equipements=["smartphone"],
            internet_domicile="non",
        ),
    )
    assert response.status_code == 302
    usager.refresh_from_db()
    assert usager.recherche == "zoe martin"
    assert usager.email == "zoe@exemple.fr"
    assert usager.equipements == ["smartphone"] and usager.internet_domicile is False
    assert AccesJournal.objects.filter(operation=OperationJournal.MODIFICATION, usager_pk=usager.pk).count() == 1


def test_accueil_cannot_see_rights_but_travailleur_social_can_edit(mds_a, make_user, client_for):
    usager = UsagerFactory(mds=mds_a)
    ts = make_user(Role.TRAVAILLEUR_SOCIAL)
    assert client_for(ts).get(reverse("usagers:modifier", kwargs={"pk": usager.pk})).status_code == 200
    directeur = make_user(Role.DIRECTEUR)
    assert client_for(directeur).get(reverse("usagers:modifier", kwargs={"pk": usager.pk})).status_code == 403


def test_list_and_detail_query_counts_are_bounded(mds_a, mediateur, client_for, django_assert_max_num_queries):
    UsagerFactory.create_batch(60, mds=mds_a)
    client = client_for(mediateur)
    with django_assert_max_num_queries(12):
        client.get(reverse("usagers:liste"))
    usager = Usager.objects.first()
    with django_assert_max_num_queries(16):
        client.get(reverse("usagers:detail", kwargs={"pk": usager.pk}))


def test_only_reference_is_required(mds_a, mediateur, client_for):
    response = client_for(mediateur).post(reverse("usagers:nouveau"), {"reference": "AAA-SEUL"})
    assert response.status_code == 302
    usager = Usager.objects.get(reference="AAA-SEUL")
    assert (usager.canal_contact, usager.langue, usager.genre) == ("aucun", "fr", "non_communique")
    response = client_for(mediateur).post(reverse("usagers:nouveau"), {"reference": ""})
    assert list(response.context["form"].errors) == ["reference"]
