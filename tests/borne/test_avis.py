import pytest
import time_machine
from django.urls import reverse

from accueil.borne.enums import AvisTag, Ressenti
from accueil.borne.models import Avis

pytestmark = pytest.mark.django_db


def test_feedback_is_anonymous_per_mds_and_day(kiosk, borne_a):
    with time_machine.travel("2026-11-23 10:42:13+01:00"):
        kiosk.post(reverse("borne:avis"), {"ressenti": Ressenti.MOYEN})
        response = kiosk.post(reverse("borne:avis_tags"), {"tags": ["attente", "accueil"], "envoyer": "1"})
    assert response["Location"] == reverse("borne:avis_merci")
    avis = Avis.objects.get()
    assert avis.mds == borne_a.mds
    assert str(avis.jour) == "2026-11-23"
    assert avis.ressenti == Ressenti.MOYEN and avis.tags == [AvisTag.ACCUEIL, AvisTag.ATTENTE]
    # Nothing that could link it to a person, a device or a time of day.
    fields = {f.name for f in Avis._meta.get_fields()}
    assert fields == {"id", "mds", "jour", "ressenti", "tags"}


def test_skip_stores_the_smiley_without_tags(kiosk):
    kiosk.post(reverse("borne:avis"), {"ressenti": Ressenti.CONTENT})
    kiosk.post(reverse("borne:avis_tags"), {"tags": ["attente"], "passer": "1"})
    assert list(Avis.objects.values_list("ressenti", "tags")) == [(Ressenti.CONTENT, [])]


def test_double_submit_stores_one_opinion(kiosk):
    kiosk.post(reverse("borne:avis"), {"ressenti": Ressenti.CONTENT})
    for _ in range(3):
        kiosk.post(reverse("borne:avis_tags"), {"envoyer": "1"})
    assert Avis.objects.count() == 1


def test_invalid_values_are_refused(kiosk):
    kiosk.post(reverse("borne:avis"), {"ressenti": 7})
    assert kiosk.get(reverse("borne:avis_tags"))["Location"] == reverse("borne:avis")
    kiosk.post(reverse("borne:avis"), {"ressenti": 1})
    response = kiosk.post(reverse("borne:avis_tags"), {"tags": ["mot de passe"], "envoyer": "1"})
    assert response.status_code == 200 and not Avis.objects.exists()


def test_feedback_is_rate_limited_per_device(kiosk, settings):
    settings.BORNE_RATE_LIMITS = {"avis": "2/h"}
    for _ in range(3):
        kiosk.post(reverse("borne:avis"), {"ressenti": 3})
        last = kiosk.post(reverse("borne:avis_tags"), {"envoyer": "1"})
    assert Avis.objects.count() == 2
    assert last.status_code == 429


def test_language_choice_and_reset(kiosk):
    kiosk.post(reverse("borne:langue"), {"langue": "ar"})
    html = kiosk.get(reverse("borne:accueil")).content.decode()
    assert 'lang="ar" dir="rtl"' in html
    kiosk.post(reverse("borne:avis"), {"ressenti": 3})
    kiosk.post(reverse("borne:recommencer"))
    html = kiosk.get(reverse("borne:accueil")).content.decode()
    assert 'lang="fr" dir="ltr"' in html
    assert kiosk.get(reverse("borne:avis_tags"))["Location"] == reverse("borne:avis")  # state wiped


def test_csrf_token_endpoint(kiosk):
    data = kiosk.get(reverse("borne:jeton")).json()
    assert len(data["csrf"]) >= 32


def test_director_sees_aggregated_feedback(directeur, client_for, kiosk):
    kiosk.post(reverse("borne:avis"), {"ressenti": 3})
    kiosk.post(reverse("borne:avis_tags"), {"envoyer": "1"})
    html = client_for(directeur).get(reverse("borne:gestion")).content.decode()
    assert "<strong>Content</strong> : 1" in html
