"""Each role's home is « the day »: its panels show today's work, with a query count that does
not grow with the data (no N+1)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accueil.calendar import PARIS
from accueil.models import RendezVous
from accueil.services import register_arrival
from core.roles import Role
from mediation.enums import Resultat
from mediation.models import Revue
from mediation.services import acquitter_revue, orienter
from tests.accueil.factories import MotifFactory
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


@pytest.fixture
def day(mds_a, make_user):
    tuteur = make_user(Role.TUTEUR, first_name="Tania")
    stagiaire = make_user(Role.MEDIATEUR, stagiaire=True, tuteur=tuteur, first_name="Sami")
    return {"tuteur": tuteur, "stagiaire": stagiaire, "ts": make_user(Role.TRAVAILLEUR_SOCIAL)}


def add_work(mds, day, n):
    """n of everything: arrivals, appointments today, open démarches, reviews with feedback, orientations."""
    motif = MotifFactory(mds=mds)
    noon = dt.datetime.combine(timezone.localdate(), dt.time(12), tzinfo=PARIS)
    for i in range(n):
        usager = UsagerFactory(mds=mds)
        register_arrival(mds=mds, usager=usager, motif=motif, source="venu_directement")
        start = noon + dt.timedelta(minutes=i)
        RendezVous.objects.create(
            mds=mds,
            motif=motif,
            usager=usager,
            mediateur=day["stagiaire"],
            debut=start,
            fin=start + dt.timedelta(minutes=30),
            canal="guichet",
        )
        acc = log(
            mds,
            day["stagiaire"],
            usager=usager,
            date=timezone.localdate(),
            items=[item(postures={"saisie": "a_la_place"}, resultat=Resultat.DOIT_REVENIR)],
        )
        revue = Revue.objects.get(demarche_realisee__accompagnement=acc)
        if i % 2:
            acquitter_revue(revue=revue, tuteur=day["tuteur"], commentaire=f"Bien, pense au consentement {i}")
        orienter(mds=mds, emetteur=day["stagiaire"], sens="vers_travailleur_social", usager=usager, note="DALO")
        orienter(mds=mds, emetteur=day["ts"], sens="vers_mediation", usager=usager, note="CAF")


def home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(HOME)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["stagiaire", "tuteur", "accueil", "ts", "directeur", "coordinateur", "admin"])
def test_each_home_has_a_constant_query_count(role, mds_a, make_user, client_for, day):
    user = day.get(role) or make_user(Role(role) if role != "accueil" else Role.ACCUEIL)
    if role == "coordinateur":
        user = make_user(Role.COORDINATEUR)
    elif role == "admin":
        user = make_user(Role.ADMIN, mds=None)
    client = client_for(user)
    add_work(mds_a, day, 2)
    _, small = home_queries(client)
    add_work(mds_a, day, 6)
    response, large = home_queries(client)
    assert large <= small, f"{role}: {small} → {large} requêtes"  # never grows with the data (no N+1)
    # The directors' key figures: two periods × eight indicators, plus the pilotage rollup catching up
    # on the new activity first (lock, two SET LOCAL, two inserts, two supersede updates: 11 at most).
    assert small <= 42
    html = response.content.decode()
    assert "s'affichera ici" not in html


def test_mediator_home_is_the_day(mds_a, client_for, day):
    add_work(mds_a, day, 3)
    html = client_for(day["stagiaire"]).get(HOME).content.decode()
    for heading in (
        "File d'attente : 3 personnes en attente",
        "Mes rendez-vous aujourd'hui",
        "Mes démarches à suivre",
        "Retours de votre tuteur·rice",
    ):
        assert heading in html
    assert "Prendre en charge" in html and "Continuer" in html
    assert "Bien, pense au consentement 1" in html and "non lu" in html


def test_reception_and_social_worker_homes(mds_a, make_user, client_for, day):
    add_work(mds_a, day, 2)
    html = client_for(make_user(Role.ACCUEIL)).get(HOME).content.decode()
    assert "Arrivées attendues aujourd'hui" in html and "File d'attente : 2 personnes" in html
    assert "Mes démarches à suivre" not in html
    html = client_for(day["ts"]).get(HOME).content.decode()
    assert "Orientations reçues" in html and "Orientations envoyées" in html
    html = client_for(day["tuteur"]).get(HOME).content.decode()
    assert "À revoir : actes « à la place » de vos stagiaires (1)" in html


def test_admin_home_lists_accounts_and_links_to_admin(make_user, client_for):
    admin = make_user(Role.ADMIN, mds=None)
    make_user(Role.MEDIATEUR)
    html = client_for(admin).get(HOME).content.decode()
    assert 'href="/admin/"' in html and "invitations en attente" in html
    assert "n'est rattaché à aucune MDS" not in html
