import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ateliers import services
from ateliers.enums import Presence, StatutInscription, StatutSeance
from ateliers.models import Inscription, ParticipantAnonyme, Seance
from core.roles import Role
from tests.ateliers.factories import AtelierFactory, SeanceFactory
from tests.usagers.factories import UsagerFactory
from usagers.models import Usager


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_calendar_query_count_does_not_grow_with_sessions(mds_a, mediateur, client_for, django_assert_max_num_queries):
    client = client_for(mediateur)
    start = timezone.now() + dt.timedelta(hours=2)
    for i in range(30):
        seance = SeanceFactory(atelier__mds=mds_a, debut=start + dt.timedelta(hours=12 * i), animateur=mediateur)
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    SeanceFactory(atelier__mds=AtelierFactory().mds, debut=start)  # another MDS: not shown
    with django_assert_max_num_queries(12):
        response = client.get(reverse("ateliers:calendrier"))
    assert response.status_code == 200
    shown = sum(len(seances) for _, seances in response.context["jours"])
    assert shown == 30 - sum(1 for i in range(30) if start + dt.timedelta(hours=12 * i) >= timezone.make_aware(
        dt.datetime.combine(response.context["start"] + dt.timedelta(days=28), dt.time.min)))  # fmt: skip
    assert "1/8" in response.content.decode()


@pytest.mark.django_db
def test_session_page_query_count(mds_a, mediateur, client_for, django_assert_max_num_queries):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=10, minimum_participants=1)
    for _ in range(25):
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    client = client_for(mediateur)
    with django_assert_max_num_queries(16):
        response = client.get(reverse("ateliers:seance", args=[seance.pk]))
    assert len(response.context["inscrits"]) == 10
    assert len(response.context["attente"]) == 15
    with django_assert_max_num_queries(14):
        response = client.get(reverse("ateliers:emargement", args=[seance.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_register_twice_shows_a_clear_message_and_no_duplicate(mds_a, make_user, client_for):
    client = client_for(make_user(Role.ACCUEIL))
    seance = SeanceFactory(atelier__mds=mds_a)
    usager = UsagerFactory(mds=mds_a)
    url = reverse("ateliers:seance_inscrire", args=[seance.pk])
    client.post(url, {"usager": usager.pk})
    response = client.post(url, {"usager": usager.pk}, follow=True)
    assert "déjà inscrit" in " ".join(_messages(response))
    assert Inscription.objects.filter(seance=seance, usager=usager).count() == 1


@pytest.mark.django_db
def test_registration_to_a_visitor_of_another_mds_is_refused(mds_a, mds_b, mediateur, client_for):
    seance = SeanceFactory(atelier__mds=mds_a)
    response = client_for(mediateur).post(
        reverse("ateliers:seance_inscrire", args=[seance.pk]), {"usager": UsagerFactory(mds=mds_b).pk}
    )
    assert response.status_code == 404
    assert not Inscription.objects.exists()


@pytest.mark.django_db
def test_search_then_register_new_and_anonymous(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=1, minimum_participants=1)
    usager = UsagerFactory(mds=mds_a, prenom="Zoé", nom="Martin")
    Usager.objects.filter(pk=usager.pk).update(recherche="zoe martin")  # as usagers.services.search_key
    response = client.get(reverse("ateliers:seance", args=[seance.pk]), {"q": "Zoé"})
    assert [u.pk for u in response.context["resultats"]] == [usager.pk]
    client.post(
        reverse("ateliers:seance_nouvel_usager", args=[seance.pk]),
        {"prenom": "Élise", "tranche_age": "soixante_dix_plus"},
    )
    created = Usager.objects.get(prenom="Élise")
    assert created.mds == mds_a and created.reference.startswith("AAA-") and created.recherche == "elise"
    client.post(
        reverse("ateliers:seance_inscrire_anonyme", args=[seance.pk]),
        {"tranche_age": "douze_dix_huit", "deja_accompagne": "non"},
    )
    rows = list(seance.inscriptions.order_by("id").values_list("usager_id", "statut", "tranche_age", "deja_accompagne"))
    assert rows == [
        (created.pk, StatutInscription.INSCRIT, "soixante_dix_plus", None),
        (None, StatutInscription.ATTENTE, "douze_dix_huit", False),
    ]


@pytest.mark.django_db
def test_capacity_edit_below_registrations_is_refused_with_the_count(mds_a, mediateur, client_for):
    seance = SeanceFactory(atelier__mds=mds_a, capacite=6, minimum_participants=1)
    for _ in range(4):
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    response = client_for(mediateur).post(reverse("ateliers:seance_capacite", args=[seance.pk]), {"capacite": 3})
    assert response.status_code == 200
    assert "4 personnes déjà inscrites" in response.content.decode()
    assert Seance.objects.get(pk=seance.pk).capacite == 6


@pytest.mark.django_db
def test_unregister_needs_confirmation_and_promotes(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    seance = SeanceFactory(atelier__mds=mds_a, capacite=1, minimum_participants=1)
    first = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    waiting = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    url = reverse("ateliers:inscription_desinscrire", args=[first.pk])
    assert client.get(url).status_code == 200
    assert Inscription.objects.get(pk=first.pk).statut == StatutInscription.INSCRIT
    response = client.post(url, follow=True)
    assert Inscription.objects.get(pk=waiting.pk).statut == StatutInscription.INSCRIT
    page = response.content.decode()
    assert "Promotion depuis la liste d&#x27;attente" in page or "Promotion depuis la liste d'attente" in page


@pytest.mark.django_db
def test_attendance_one_tap_with_htmx_then_close(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    seance = SeanceFactory(atelier__mds=mds_a, debut=timezone.now() + dt.timedelta(minutes=30))
    inscription = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    Seance.objects.filter(pk=seance.pk).update(debut=timezone.now() - dt.timedelta(minutes=5))
    response = client.post(
        reverse("ateliers:presence", args=[inscription.pk]), {"presence": "present"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith("<tr") and 'aria-pressed="true"' in html
    assert Inscription.objects.get(pk=inscription.pk).presence == Presence.PRESENT
    client.post(
        reverse("ateliers:anonymes_ajouter", args=[seance.pk]),
        {"nombre": 3, "tranche_age": "quarante_cinquante_neuf", "deja_accompagne": "oui"},
    )
    assert ParticipantAnonyme.objects.get(seance=seance).nombre == 3
    assert client.get(reverse("ateliers:cloturer", args=[seance.pk])).status_code == 200
    client.post(reverse("ateliers:cloturer", args=[seance.pk]))
    assert Seance.objects.get(pk=seance.pk).statut == StatutSeance.TENUE


@pytest.mark.django_db
def test_attendance_refused_before_the_day(mds_a, mediateur, client_for):
    seance = SeanceFactory(atelier__mds=mds_a, debut=timezone.now() + dt.timedelta(days=3))
    inscription = services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    response = client_for(mediateur).post(
        reverse("ateliers:presence", args=[inscription.pk]), {"presence": "present"}, HTTP_HX_REQUEST="true"
    )
    assert "jour de la séance" in response.content.decode()
    assert Inscription.objects.get(pk=inscription.pk).presence == ""


@pytest.mark.django_db
def test_ics_export(mds_a, mediateur, client_for):
    seance = SeanceFactory(atelier__mds=mds_a, atelier__titre="Créer son adresse e-mail")
    services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds_a, nom="Durandal").pk)
    response = client_for(mediateur).get(reverse("ateliers:seance_ics", args=[seance.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    from icalendar import Calendar

    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == seance.debut.replace(microsecond=0)
    assert "Créer son adresse e-mail" in str(event["summary"])
    assert b"Durandal" not in response.content  # no participant in the export


@pytest.mark.django_db
def test_plan_a_series_through_the_form(mds_a, mediateur, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 4, 20, 8, tzinfo=dt.UTC))
    atelier = AtelierFactory(mds=mds_a)
    response = client_for(mediateur).post(
        reverse("ateliers:seance_nouvelle"),
        {
            "atelier": atelier.pk,
            "premier_jour": "2026-05-04",
            "heure": "14:00",
            "duree_minutes": "90",
            "frequence": "hebdomadaire",
            "jusqu_au": "2026-05-25",
            "salle": "Salle A",
            "animateur": mediateur.pk,
        },
        follow=True,
    )
    assert Seance.objects.count() == 3  # 25 May 2026 is Pentecost Monday
    assert any("25/05/2026 sautée" in m for m in _messages(response))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "view_status", "manage_status"),
    [
        (Role.ACCUEIL, 200, 403),
        (Role.TRAVAILLEUR_SOCIAL, 200, 403),
        (Role.COORDINATEUR, 403, 403),
        (Role.TUTEUR, 200, 200),
    ],
)
def test_permissions(mds_a, make_user, client_for, role, view_status, manage_status):
    client = client_for(make_user(role))
    seance = SeanceFactory(atelier__mds=mds_a)
    assert client.get(reverse("ateliers:calendrier")).status_code == view_status
    assert client.get(reverse("ateliers:seance_annuler", args=[seance.pk])).status_code == manage_status


@pytest.mark.django_db
def test_departement_template_is_listed_but_not_editable_by_an_mds(mds_a, mediateur, client_for):
    modele = AtelierFactory(mds=None, titre="Éviter les arnaques")
    client = client_for(mediateur)
    assert "Éviter les arnaques" in client.get(reverse("ateliers:catalogue")).content.decode()
    assert client.get(reverse("ateliers:atelier_modifier", args=[modele.pk])).status_code == 403


@pytest.mark.django_db
def test_cancel_through_the_ui_with_confirmation(mds_a, mediateur, client_for):
    client = client_for(mediateur)
    seance = SeanceFactory(atelier__mds=mds_a)
    url = reverse("ateliers:seance_annuler", args=[seance.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"motif": "minimum_non_atteint", "portee": "seance"})
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.ANNULEE
    assert seance.motif_annulation == "minimum_non_atteint"


@pytest.mark.django_db
def test_coordinateur_publishes_a_departement_model_seen_by_every_mds(mds_a, mds_b, make_user, client_for):
    coordinateur = make_user(Role.COORDINATEUR, mds=None)
    client = client_for(coordinateur)
    data = {
        "titre": "Sécuriser son smartphone",
        "thematiques": ["securite_numerique"],
        "niveau": "debutant",
        "format": "collectif",
        "public": "usagers",
        "duree_minutes": 90,
        "capacite": 8,
        "minimum_participants": 3,
        "actif": "on",
    }
    assert client.post(reverse("ateliers:modele_nouveau"), data).status_code == 302
    from ateliers.models import Atelier

    modele = Atelier.objects.get(titre="Sécuriser son smartphone")
    assert modele.mds_id is None
    for mds in (mds_a, mds_b):
        assert modele in Atelier.objects.for_mds(mds)
    assert client_for(make_user(Role.DIRECTEUR)).get(reverse("ateliers:modeles")).status_code == 403


@pytest.mark.django_db
def test_plan_an_individual_series_for_one_visitor(mds_a, mds_b, mediateur, client_for, time_machine):
    time_machine.move_to(dt.datetime(2026, 9, 1, 8, tzinfo=dt.UTC))
    atelier = AtelierFactory(mds=mds_a, format="individuel", capacite=1, minimum_participants=1)
    usager = UsagerFactory(mds=mds_a)
    data = {
        "atelier": atelier.pk,
        "premier_jour": "2026-09-08",
        "heure": "10:00",
        "duree_minutes": "60",
        "frequence": "quinzaine",
        "jusqu_au": "2026-10-06",
        "usager": UsagerFactory(mds=mds_b).pk,  # another MDS: refused
    }
    client = client_for(mediateur)
    response = client.post(reverse("ateliers:seance_nouvelle"), data)
    assert "Choisissez la fiche de la personne dans la liste proposée." in response.content.decode()
    assert not Seance.objects.exists()
    # Without JavaScript, « Chercher » finds the record and plans nothing yet.
    usager.recherche = "amina kaci"
    usager.save(update_fields=["recherche"])
    searched = client.post(
        reverse("ateliers:seance_nouvelle"), {**data, "chercher_usager": "usager", "usager_q": "kaci"}
    )
    assert f'value="{usager.pk}"' in searched.content.decode() and not Seance.objects.exists()
    data["usager"] = usager.pk
    client.post(reverse("ateliers:seance_nouvelle"), data)
    assert Seance.objects.count() == 3
    assert Inscription.objects.filter(usager=usager, statut="inscrit").count() == 3
