"""« M'inscrire à un atelier » on the kiosk, through the Django test client and the real
PostgreSQL/Redis: which séances are offered, the first-name guard, the registration through
ateliers.services (never on the waitlist), a full séance, the confirmation shown once, rate limits."""

import datetime as dt
import html as htmllib
import re
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ateliers import kiosk as ateliers_kiosk
from ateliers.enums import Format, Public, StatutInscription, StatutSeance
from ateliers.models import Inscription, Seance
from core import ports
from tests.ateliers.factories import AtelierFactory, SeanceFactory
from tests.borne.factories import BorneFactory, kiosk_client

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def offered(response) -> list[int]:
    return [int(v) for v in re.findall(r'name="seance" value="(\d+)"', response.content.decode())]


@pytest.fixture
def seance(mds_a):
    return SeanceFactory(atelier=AtelierFactory(mds=mds_a, titre="Mes premiers courriels"), capacite=2)


def _choose_and_register(kiosk, seance, prenom="Samia", jeton="j1"):
    kiosk.post(reverse("borne:ateliers"), {"seance": seance.pk})
    return kiosk.post(reverse("borne:ateliers_prenom"), {"prenom": prenom, "jeton": jeton})


def test_the_port_is_provided_by_the_ateliers_app():
    assert ports.ateliers_borne() is ateliers_kiosk


def test_home_tile_only_when_a_seance_has_a_free_place(kiosk, mds_a):
    assert "/borne/ateliers/" not in kiosk.get(reverse("borne:accueil")).content.decode()
    SeanceFactory(atelier=AtelierFactory(mds=mds_a), capacite=3)
    home = kiosk.get(reverse("borne:accueil"))
    assert "/borne/ateliers/" in home.content.decode() and "pictos/atelier.svg" in home.content.decode()
    assert "M'inscrire à un atelier" in text(home)


def test_only_open_collective_visitor_seances_of_this_mds_are_offered(kiosk, mds_a, mds_b, seance):
    now = timezone.now()
    atelier = seance.atelier
    hidden = [
        SeanceFactory(atelier=AtelierFactory(mds=mds_b)),  # another MDS
        SeanceFactory(atelier=atelier, statut=StatutSeance.ANNULEE),
        SeanceFactory(atelier=atelier, debut=now - dt.timedelta(hours=1)),  # started
        SeanceFactory(atelier=atelier, capacite=1, places_prises=1),  # full
        SeanceFactory(atelier=AtelierFactory(mds=mds_a, public=Public.PROFESSIONNELS)),
        SeanceFactory(atelier=AtelierFactory(mds=mds_a, format=Format.INDIVIDUEL), capacite=1),
        SeanceFactory(atelier=atelier, debut=now + dt.timedelta(days=90)),  # beyond the horizon
    ]
    departemental = SeanceFactory(atelier=AtelierFactory(mds=None), mds=mds_a)  # a Département model, here
    response = kiosk.get(reverse("borne:ateliers"))
    assert offered(response) == sorted([seance.pk, departemental.pk], key=lambda pk: Seance.objects.get(pk=pk).debut)
    page = text(response)
    assert "Mes premiers courriels" in page and "2 places libres" in page and "Étape 1 sur 3" in page
    for other in hidden:  # posting a séance that is not offered changes nothing
        assert kiosk.post(reverse("borne:ateliers"), {"seance": other.pk}).status_code == 200
        assert kiosk.get(reverse("borne:ateliers_prenom"))["Location"] == reverse("borne:ateliers")


def test_register_by_first_name_then_confirmation_shown_once(kiosk, seance):
    response = _choose_and_register(kiosk, seance)
    assert response["Location"] == reverse("borne:ateliers_confirmation")
    inscription = Inscription.objects.get()
    assert inscription.usager_id is None and inscription.prenom_ou_initiales == "Samia"
    assert inscription.statut == StatutInscription.INSCRIT and inscription.par is None
    assert Seance.objects.get(pk=seance.pk).places_prises == 1
    assert inscription.libelle == "Samia (inscription à la borne)"
    confirmation = kiosk.get(reverse("borne:ateliers_confirmation"))
    page = text(confirmation)
    assert "Votre inscription est notée" in page and "Mes premiers courriels" in page and "Samia" not in page
    assert 'action="/borne/recommencer/"' in confirmation.content.decode() and "Étape 3 sur 3" in page
    # Once only: reload, Back or the history land on the home screen.
    assert kiosk.get(reverse("borne:ateliers_confirmation"))["Location"] == reverse("borne:accueil")


def test_double_tap_registers_once(kiosk, seance):
    kiosk.post(reverse("borne:ateliers"), {"seance": seance.pk})
    first = kiosk.post(reverse("borne:ateliers_prenom"), {"prenom": "Samia", "jeton": "same"})
    second = kiosk.post(reverse("borne:ateliers_prenom"), {"prenom": "Samia", "jeton": "same"})
    assert first["Location"] == second["Location"] == reverse("borne:ateliers_confirmation")
    assert Inscription.objects.count() == 1


@pytest.mark.parametrize("prenom", ["Samia 0612345678", "samia@example.org", ""])
def test_first_name_guard(kiosk, seance, prenom):
    response = _choose_and_register(kiosk, seance, prenom=prenom)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    assert not Inscription.objects.exists()


def test_last_place_taken_meanwhile_offers_the_other_seances(kiosk, seance, mds_a):
    other = SeanceFactory(atelier=seance.atelier, debut=seance.debut + dt.timedelta(days=7))
    kiosk.post(reverse("borne:ateliers"), {"seance": seance.pk})
    Seance.objects.filter(pk=seance.pk).update(places_prises=2)  # the desk filled it in the meantime
    response = kiosk.post(reverse("borne:ateliers_prenom"), {"prenom": "Samia", "jeton": "j"})
    assert response["Location"] == reverse("borne:ateliers")
    page = kiosk.get(reverse("borne:ateliers"))
    assert "Cet atelier n'a plus de place. Voici les autres ateliers." in text(page)
    assert offered(page) == [other.pk]
    assert not Inscription.objects.exists()  # never put on the waitlist from the kiosk
    # The message is said once.
    assert "data-atelier-complet" not in kiosk.get(reverse("borne:ateliers")).content.decode()


def test_registration_is_rate_limited(mds_a, seance, settings):
    settings.BORNE_RATE_LIMITS = {"atelier": "1/h"}
    borne = BorneFactory(mds=mds_a)
    SeanceFactory(atelier=seance.atelier, capacite=5)
    assert _choose_and_register(kiosk_client(borne), seance, jeton="a").status_code == 302
    refused = _choose_and_register(kiosk_client(borne), seance, prenom="Karim", jeton="b")
    assert refused.status_code == 429 and Inscription.objects.count() == 1


def test_terminer_wipes_the_choice(kiosk, seance):
    kiosk.post(reverse("borne:ateliers"), {"seance": seance.pk})
    kiosk.post(reverse("borne:recommencer"))
    assert kiosk.get(reverse("borne:ateliers_prenom"))["Location"] == reverse("borne:ateliers")


def test_every_atelier_screen_in_every_language(kiosk, seance):
    Seance.objects.filter(pk=seance.pk).update(capacite=5)  # one registration per language
    for langue in ("fr", "en", "ar"):
        kiosk.post(reverse("borne:langue"), {"langue": langue})
        screens = [kiosk.get(reverse("borne:ateliers"))]
        kiosk.post(reverse("borne:ateliers"), {"seance": seance.pk})
        screens.append(kiosk.get(reverse("borne:ateliers_prenom")))
        kiosk.post(reverse("borne:ateliers_prenom"), {"prenom": f"Sam {langue}"[:6].strip(), "jeton": langue})
        screens.append(kiosk.get(reverse("borne:ateliers_confirmation")))
        for response in screens:
            html = response.content.decode()
            assert response.status_code == 200 and f'lang="{langue}"' in html
            assert 'data-borne-idle="actif"' in html and "data-borne-ecouter" in html and re.search(r"<h1[ >]", html)
            if langue != "fr":  # the title typed by the MDS stays French, marked so
                assert re.search(r'lang="fr"[^>]*>\s*Mes premiers courriels', html), langue
        kiosk.post(reverse("borne:recommencer"))


def test_ateliers_service_refuses_instead_of_waitlisting(seance):
    from ateliers import services

    services.inscrire(seance_id=seance.pk, prenom_ou_initiales="A")
    services.inscrire(seance_id=seance.pk, prenom_ou_initiales="B")
    with pytest.raises(services.InscriptionRefusee) as refus:
        services.inscrire(seance_id=seance.pk, prenom_ou_initiales="C", sans_liste_attente=True)
    assert refus.value.code == "complete"
    assert Inscription.objects.filter(statut=StatutInscription.ATTENTE).count() == 0
    services.inscrire(seance_id=seance.pk)  # the desk still waitlists
    assert Inscription.objects.filter(statut=StatutInscription.ATTENTE).count() == 1


@pytest.mark.django_db(transaction=True)
def test_kiosks_racing_for_the_last_place(settings):
    from django.core.cache import cache

    from tests.factories import MDSFactory

    cache.delete_pattern("borne:*")
    settings.BORNE_RATE_LIMITS = {"atelier_ip": "1000/h"}
    mds = MDSFactory(code="ATCO")
    seance = SeanceFactory(atelier=AtelierFactory(mds=mds), capacite=1, minimum_participants=1)
    kiosks = []
    for _i in range(8):
        client = kiosk_client(BorneFactory(mds=mds))
        client.post(reverse("borne:ateliers"), {"seance": seance.pk})
        kiosks.append(client)
    barrier = threading.Barrier(len(kiosks))
    outcomes = [None] * len(kiosks)

    def tap(i):
        try:
            barrier.wait(timeout=30)
            response = kiosks[i].post(reverse("borne:ateliers_prenom"), {"prenom": f"P{chr(65 + i)}", "jeton": f"{i}"})
            outcomes[i] = response.get("Location")
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(i,)) for i in range(len(kiosks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes, key=str).count(reverse("borne:ateliers_confirmation")) == 1
    assert outcomes.count(reverse("borne:ateliers")) == len(kiosks) - 1
    assert Inscription.objects.filter(seance=seance).count() == 1
    assert Seance.objects.get(pk=seance.pk).places_prises == 1
