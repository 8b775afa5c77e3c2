"""Accompaniments can be found again, corrected in full, attached to a visitor, followed up."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.roles import Role
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
LISTE = reverse("mediation:liste")


def test_mes_accompagnements_filters_and_paginates(mds_a, mediateur, make_user, client_for):
    other = make_user(Role.MEDIATEUR)
    amina = UsagerFactory(mds=mds_a, prenom="Amina", nom="Kaci", recherche="amina kaci")
    for day in range(1, 31):
        log(mds_a, mediateur, usager=amina if day % 3 == 0 else None, date=dt.date(2026, 3, day))
    log(mds_a, other, usager=amina, date=dt.date(2026, 3, 5))
    client = client_for(mediateur)
    page = client.get(LISTE)
    assert page.status_code == 200 and "30 accompagnements" in page.content.decode()
    assert len(page.context["page"].object_list) == 25
    assert "10 accompagnements" in client.get(LISTE, {"q": "ami"}).content.decode()
    html = client.get(LISTE, {"du": "2026-03-10", "au": "2026-03-19"}).content.decode()
    assert "10 accompagnements" in html
    assert "20 accompagnements" in client.get(LISTE, {"anonymes": "on"}).content.decode()
    # Hostile dates are ignored, not a 500; the date inputs keep ISO values.
    response = client.get(LISTE, {"du": "31/02/2026", "au": "2026-03-19"})
    assert response.status_code == 200 and 'value="2026-03-19"' in response.content.decode()
    # A mediator never sees another's in « mes accompagnements »; a tutor may see the whole MDS.
    assert client.get(LISTE, {"tous": "on"}).context["tous"] is False
    tuteur = make_user(Role.TUTEUR)
    assert "31 accompagnements" in client_for(tuteur).get(LISTE, {"tous": "on"}).content.decode()
    directeur = make_user(Role.DIRECTEUR)
    response = client_for(directeur).get(LISTE)
    assert "31 accompagnements" in response.content.decode() and "Corriger" not in response.content.decode()
    assert client_for(make_user(Role.ACCUEIL)).get(LISTE).status_code == 403


def test_list_query_count_is_constant(mds_a, mediateur, client_for):
    client = client_for(mediateur)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LISTE).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        log(mds_a, mediateur, usager=UsagerFactory(mds=mds_a), items=[item(), item("impots_declaration")])
    # Both measured requests show visitors not yet journaled (one consultation write each); the
    # first also fills per-process caches, so the second may only cost less.
    small = count()
    for _ in range(10):
        log(mds_a, mediateur, usager=UsagerFactory(mds=mds_a), items=[item(), item("impots_declaration")])
    assert count() <= small  # 10 more accompaniments, not one query more (an N+1 would add ≥ 10)


def test_full_correction_supersedes_the_session_log_and_keeps_feedback_and_handoffs(mds_a, make_user, client_for):
    from mediation.models import JournalActivite, Orientation, Revue
    from mediation.services import acquitter_revue
    from tests.mediation.test_logging_screen import post_data

    tuteur = make_user(Role.TUTEUR)
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur)
    usager = UsagerFactory(mds=mds_a)
    acc = log(mds_a, stagiaire, usager=usager, items=[item(postures={"saisie": "a_la_place"})])
    acquitter_revue(revue=Revue.objects.get(), tuteur=tuteur, commentaire="Vu, merci")
    url = reverse("mediation:modifier", kwargs={"pk": acc.pk})
    client = client_for(stagiaire)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "Enregistrer la correction" in html
    assert len(page.context["blocs"]) == 1 and page.context["blocs"][0].resultat == "finalisee"
    assert (
        'value="a_la_place"\n                 checked' in html
        or "checked" in html.split('-saisie-a_la_place"', 1)[1][:40]
    )
    data = post_data(usager, postures={"saisie": "a_la_place", "navigation": "faire_faire"}, resultat="doit_revenir")
    data.update(cle=str(acc.cle), duree="45")
    response = client.post(url, data)
    assert response.status_code == 302
    acc.refresh_from_db()
    realisee = acc.demarches.get()
    assert acc.duree_minutes == 45 and realisee.resultat == "doit_revenir"
    assert realisee.etapes.get(code="navigation").posture == "faire_faire"
    versions = JournalActivite.objects.filter(cle=f"accompagnement:{acc.pk}").order_by("version")
    assert [v.version for v in versions] == [1, 2] and versions[1].remplace_id == versions[0].pk
    assert JournalActivite.objects.courantes().get().duree_minutes == 45
    revue = Revue.objects.get()
    assert revue.demarche_realisee == realisee and revue.commentaire == "Vu, merci"
    assert Orientation.objects.count() == 0
    # Another mediator's accompaniment of another MDS: 404.
    assert client_for(make_user(Role.MEDIATEUR, mds=None)).get(url).status_code in (403, 404)


def test_walk_in_details_then_attach_or_create_a_record(mds_a, mediateur, client_for):
    from accueil.services import register_arrival
    from mediation.models import Accompagnement, JournalActivite
    from tests.accueil.factories import MotifFactory
    from tests.mediation.test_logging_screen import URL, post_data

    motif = MotifFactory(mds=mds_a, libelle="Dossier retraite")
    passage = register_arrival(
        mds=mds_a, prenom_ou_initiales="Fatou", priorites=["mobilite_reduite"], motif=motif, source="venu_directement"
    )
    client = client_for(mediateur)
    html = client.get(URL, {"passage": passage.pk}).content.decode()
    assert "Fatou" in html and "Dossier retraite" in html and "Prioritaire" in html
    client.post(URL, post_data(passage=str(passage.pk)))
    acc = Accompagnement.objects.get()
    detail = reverse("mediation:detail", kwargs={"pk": acc.pk})
    html = client.get(detail).content.decode()
    assert acc.passage_id == passage.pk, acc.passage_id
    lead = html.split('class="lead"', 1)[1][:400]
    assert "Fatou" in lead and "Personne anonyme" not in lead, lead
    assert "Rattacher à une fiche usager" in html
    # The picker finds a record by the first letters of the name, by reference, by phone.
    amina = UsagerFactory(mds=mds_a, prenom="Amina", nom="Kaci", recherche="amina kaci", telephone="+33612345678")
    UsagerFactory(mds=mds_a, prenom="Bruno", nom="Lefort", recherche="bruno lefort")
    choix = reverse("usagers:choix")
    for q in ("ami", "kac", amina.reference[:6], "06 12 34 56 78"):
        found = client.get(choix, {"q": q}).context["found"]
        assert [u.pk for u in found] == [amina.pk], q
    assert client.get(choix, {"q": "a"}).context["found"] == []
    # Without JavaScript, « Chercher » shows the records found on the same page, nothing attached,
    # and what was typed never goes into a URL (rendered, not redirected).
    rattacher = reverse("mediation:rattacher", kwargs={"pk": acc.pk})
    searched = client.post(rattacher, {"chercher_usager": "usager", "usager_q": "kac"})
    assert searched.status_code == 200 and f'value="{amina.pk}"' in searched.content.decode()
    acc.refresh_from_db()
    assert acc.usager_id is None
    response = client.post(reverse("mediation:rattacher", kwargs={"pk": acc.pk}), {"usager": amina.pk})
    assert response.status_code == 302
    acc.refresh_from_db()
    assert acc.usager == amina
    assert JournalActivite.objects.courantes().get().usager_id == amina.pk
    # Another anonymous one: create the record from it, first name carried.
    acc2 = log(mds_a, mediateur)
    client.post(reverse("mediation:rattacher", kwargs={"pk": acc2.pk}), {"creer": "1", "prenom": "Fatou", "nom": ""})
    acc2.refresh_from_db()
    assert acc2.usager is not None and acc2.usager.prenom == "Fatou"


def test_picker_is_scoped_to_the_mds(mds_a, mds_b, mediateur, client_for):
    UsagerFactory(mds=mds_b, prenom="Amina", nom="Kaci", recherche="amina kaci")
    found = client_for(mediateur).get(reverse("usagers:choix"), {"q": "ami"}).context["found"]
    assert found == []
