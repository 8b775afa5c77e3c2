"""Kiosk v2 through the Django test client: help requests reaching the desk, nothing left behind
after a flow, opening hours, motif translations, the booking language and the phone page."""

import html as htmllib
import re

import pytest
import time_machine
from django.urls import reverse

from accueil.borne import selectors, services, tokens
from accueil.borne.models import DemandeAide
from accueil.models import Fermeture, Passage, RendezVous
from core.roles import Role
from tests.accueil.factories import MotifFactory, make_mediators, open_desk
from tests.borne.factories import BorneFactory, kiosk_client

pytestmark = pytest.mark.django_db

OPEN = "2026-12-01 09:40:00+01:00"  # a Tuesday, desk open 9:00-12:00 and 13:30-17:00
EVENING = "2026-12-01 21:00:00+01:00"


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    return MotifFactory(mds=mds_a, libelle="Créer une adresse e-mail", reservable_borne=True)


def travel(when):
    return time_machine.travel(when, tick=True)


def text(response):
    return htmllib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


# --- Help that reaches a person ---------------------------------------------------------------


def test_help_request_reaches_the_desk_of_this_mds_only(kiosk, borne_a, mds_b, make_user, client_for, desk):
    agent = client_for(make_user(Role.ACCUEIL))
    other_mds = client_for(make_user(Role.ACCUEIL, mds=mds_b))
    assert "demande de l'aide" not in text(agent.get(reverse("accueil:file")))

    response = kiosk.post(reverse("borne:aide"), {"depuis": "rdv_heure"})
    assert response["Location"] == reverse("borne:aide")
    demande = DemandeAide.objects.get()
    # Kiosk, screen, time: nothing about the person.
    assert (demande.mds, demande.borne, demande.ecran, demande.prise_le) == (borne_a.mds, borne_a, "rdv_heure", None)
    assert "On a prévenu l'accueil" in text(kiosk.get(reverse("borne:aide")))

    for url in (reverse("accueil:file"), reverse("core:home")):
        page = text(agent.get(url))
        assert "Une personne demande de l'aide à la borne" in page and borne_a.nom in page, url
        assert "rendez-vous : heure" in page
    assert "demande de l'aide" not in text(other_mds.get(reverse("accueil:file")))
    assert other_mds.post(reverse("borne:demande_aide_prendre", args=[demande.pk])).status_code == 404

    # Polled fragment (htmx), then « J'y vais ».
    fragment = agent.get(reverse("borne:demandes_aide"), HTTP_HX_REQUEST="true")
    assert f'data-demande-aide="{demande.pk}"' in fragment.content.decode()
    taken = agent.post(reverse("borne:demande_aide_prendre", args=[demande.pk]), {"next": reverse("core:home")})
    assert taken["Location"] == reverse("core:home")
    demande.refresh_from_db()
    assert demande.prise_le is not None and demande.prise_par.role == Role.ACCUEIL
    assert "demande de l'aide" not in text(agent.get(reverse("accueil:file")))
    state = kiosk.get(reverse("borne:aide") + "?partial=1", HTTP_HX_REQUEST="true")
    assert "Quelqu'un arrive" in text(state) and "<html" not in state.content.decode()


def test_help_request_next_is_never_another_site(kiosk, borne_a, make_user, client_for):
    agent = client_for(make_user(Role.ACCUEIL))
    kiosk.post(reverse("borne:aide"), {"depuis": "accueil"})
    demande = DemandeAide.objects.get()
    response = agent.post(reverse("borne:demande_aide_prendre", args=[demande.pk]), {"next": "https://evil.example"})
    assert response["Location"] == reverse("accueil:file")


def test_roles_without_the_queue_do_not_see_or_take_help_requests(kiosk, make_user, client_for):
    kiosk.post(reverse("borne:aide"), {"depuis": "accueil"})
    demande = DemandeAide.objects.get()
    director = client_for(make_user(Role.DIRECTEUR))  # no "accueil.queue" in the matrix
    assert director.get(reverse("borne:demandes_aide")).status_code == 403
    assert director.post(reverse("borne:demande_aide_prendre", args=[demande.pk])).status_code == 403
    demande.refresh_from_db()
    assert demande.ouverte


def test_one_open_request_per_kiosk_and_rate_limit(kiosk, borne_a, settings, make_user):
    settings.BORNE_RATE_LIMITS = {"aide": "3/h"}
    agent = make_user(Role.ACCUEIL)
    kiosk.post(reverse("borne:aide"), {"depuis": "accueil"})
    kiosk.post(reverse("borne:aide"), {"depuis": "accueil"})  # second tap: same request
    assert DemandeAide.objects.count() == 1
    services.prendre_en_charge(demande=DemandeAide.objects.get(), par=agent)
    kiosk.post(reverse("borne:aide"), {"depuis": "ticket"})
    assert DemandeAide.objects.count() == 2
    services.prendre_en_charge(demande=DemandeAide.objects.latest("pk"), par=agent)
    kiosk.post(reverse("borne:aide"), {"depuis": "ticket"})  # 4th within the hour: refused
    assert DemandeAide.objects.count() == 2
    assert "Allez voir l'accueil" in text(kiosk.get(reverse("borne:aide")))  # still told where to go


def test_desk_list_has_a_constant_number_of_queries(mds_a, make_user, client_for, django_assert_max_num_queries):
    agent = client_for(make_user(Role.ACCUEIL))
    for _ in range(6):
        services.demander_aide(borne=BorneFactory(mds=mds_a), ecran="accueil")
    with django_assert_max_num_queries(6):
        response = agent.get(reverse("borne:demandes_aide"))
    assert response.content.decode().count("data-demande-aide=") == 6


def test_ending_the_flow_cancels_the_open_help_request(kiosk):
    kiosk.post(reverse("borne:aide"), {"depuis": "accueil"})
    kiosk.post(reverse("borne:recommencer"))
    demande = DemandeAide.objects.get()
    assert demande.annulee_le is not None and not selectors.demandes_aide_ouvertes(mds=demande.mds)


# --- Nothing left behind ------------------------------------------------------------------------


def _tampered(jeton):
    """The signed token with its last character changed (never to itself)."""
    return jeton[:-1] + ("y" if jeton.endswith("x") else "x")


def _book(kiosk, motif, langue="fr"):
    if langue != "fr":
        kiosk.post(reverse("borne:langue"), {"langue": langue})
    kiosk.post(reverse("borne:rdv"), {"motif": motif.pk})
    day = re.search(r'name="jour" value="([^"]+)"', kiosk.get(reverse("borne:rdv_jour")).content.decode()).group(1)
    kiosk.post(reverse("borne:rdv_jour"), {"jour": day})
    debut = re.search(r'name="debut"\s+value="([^"]+)"', kiosk.get(reverse("borne:rdv_heure")).content.decode())
    kiosk.post(reverse("borne:rdv_heure"), {"debut": debut.group(1)})
    kiosk.post(reverse("borne:rdv_prenom"), {"prenom": "Samia"})
    return kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "j-" + langue})


def test_confirmation_is_shown_once_and_terminer_wipes_the_session(kiosk, desk):
    with travel(OPEN):
        assert _book(kiosk, desk)["Location"] == reverse("borne:rdv_confirmation")
        first = kiosk.get(reverse("borne:rdv_confirmation"))
        assert first.status_code == 200 and "no-store" in first["Cache-Control"]
        code = RendezVous.objects.get().code_borne.code
        assert code[:4] in first.content.decode()
        # The confirmation is gone after being shown: reload, Back or history land on the home screen.
        assert kiosk.get(reverse("borne:rdv_confirmation"))["Location"] == reverse("borne:accueil")
        # « Terminer » is a POST that wipes the session (language included).
        assert 'action="/borne/recommencer/"' in first.content.decode()
        kiosk.post(reverse("borne:langue"), {"langue": "ar"})
        kiosk.post(reverse("borne:recommencer"))
        home = kiosk.get(reverse("borne:accueil"))
        assert 'lang="fr"' in home.content.decode() and code[:4] not in home.content.decode()


def test_every_screen_arms_the_inactivity_timer_and_home_has_no_back(kiosk, desk, settings):
    settings.BORNE_INACTIVITE = (5, 8)
    with travel(OPEN):
        for langue in ("fr", "en", "ar"):
            kiosk.post(reverse("borne:langue"), {"langue": langue})
            for name in ("borne:accueil", "borne:rdv", "borne:arrivee", "borne:ticket", "borne:avis", "borne:aide"):
                html = kiosk.get(reverse(name)).content.decode()
                assert 'data-borne-idle="actif"' in html and 'data-avertir="5"' in html, (langue, name)
                assert 'data-recommencer="8"' in html
                assert "data-borne-ecouter" in html and re.search(r"<h1[ >]", html), (langue, name)
            home = kiosk.get(reverse("borne:accueil")).content.decode()
            assert "borne-retour" not in home


# --- Opening hours ------------------------------------------------------------------------------


def test_closed_in_the_evening_booking_only(kiosk, borne_a, desk):
    with travel(EVENING):
        home = kiosk.get(reverse("borne:accueil"))
        page = text(home)
        assert "L'accueil est fermé" in page and "Il ouvre mercredi 2 décembre à 09:00" in page
        assert reverse("borne:rdv") in home.content.decode()
        assert reverse("borne:ticket") not in home.content.decode()
        assert reverse("borne:arrivee") not in home.content.decode()
        assert kiosk.get(reverse("borne:ticket"))["Location"] == reverse("borne:accueil")
        kiosk.post(reverse("borne:ticket"), {"motif": "autre", "jeton": "soir"})
        assert not Passage.objects.exists()
        with pytest.raises(services.AccueilFerme):
            services.prendre_ticket(borne=borne_a)
        assert kiosk.get(reverse("borne:rdv")).status_code == 200  # booking stays open


def test_closed_on_a_closure_day(kiosk, mds_a, desk):
    Fermeture.objects.create(mds=mds_a, date_debut="2026-12-01", date_fin="2026-12-01", libelle="Formation")
    with travel(OPEN):
        page = text(kiosk.get(reverse("borne:accueil")))
        assert "L'accueil est fermé" in page and "Il ouvre mercredi 2 décembre à 09:00" in page
    with travel("2026-12-02 10:00:00+01:00"):
        assert "L'accueil est fermé" not in text(kiosk.get(reverse("borne:accueil")))


def test_opening_state(mds_a, desk):
    assert selectors.ouverture(mds=mds_a, now=_dt("2026-12-01 12:30")).prochaine == _dt("2026-12-01 13:30")
    assert selectors.ouverture(mds=mds_a, now=_dt("2026-12-01 13:30")).ouvert
    assert selectors.ouverture(mds=mds_a, now=_dt("2026-12-05 10:00")).prochaine == _dt("2026-12-07 09:00")


def _dt(value):
    from datetime import datetime

    from accueil.calendar import PARIS

    return datetime.fromisoformat(value).replace(tzinfo=PARIS)


# --- Every language -----------------------------------------------------------------------------


def test_motif_translations_and_visible_french_fallback(kiosk, mds_a, desk):
    desk.libelle_en = "Create an e-mail address"
    desk.save()
    with travel(OPEN):
        kiosk.post(reverse("borne:langue"), {"langue": "en"})
        page = text(kiosk.get(reverse("borne:rdv")))
        assert "Create an e-mail address" in page and "Créer une adresse e-mail" not in page
        kiosk.post(reverse("borne:langue"), {"langue": "ar"})
        for name in ("borne:rdv", "borne:ticket"):
            html = kiosk.get(reverse(name)).content.decode()
            assert re.search(r'<span lang="fr" dir="ltr">\s*Créer une adresse <span', html), name
            assert "(بالفرنسية)" in html


def test_settings_form_edits_the_translations(mds_a, make_user, client_for, desk):
    director = client_for(make_user(Role.DIRECTEUR))
    form = director.get(reverse("accueil:motif_modifier", args=[desk.pk])).content.decode()
    assert 'lang="ar"' in form and 'dir="rtl"' in form
    data = {
        "libelle": desk.libelle, "libelle_en": "Create an e-mail address", "libelle_ar": "إنشاء بريد إلكتروني",
        "duree_minutes": 30, "reservable_borne": "on", "delai_minimum_minutes": 30, "horizon_jours": 60,
        "ordre": 0, "actif": "on",
    }  # fmt: skip
    assert director.post(reverse("accueil:motif_modifier", args=[desk.pk]), data).status_code == 302
    desk.refresh_from_db()
    assert desk.libelle_traduit("ar") == ("إنشاء بريد إلكتروني", "ar")
    assert desk.libelle_traduit("fr") == (desk.libelle, "fr")


def test_booking_language_is_stored_and_the_phone_page_opens_in_it(kiosk, client, mds_a, desk):
    mds_a.telephone = "04 91 00 00 00"
    mds_a.save()
    with travel(OPEN):
        _book(kiosk, desk, langue="ar")
        rdv = RendezVous.objects.get()
        assert rdv.langue == "ar"
        url = reverse("borne:annulation", kwargs={"jeton": tokens.jeton_annulation(rdv)})
        page = client.get(url)
        html = page.content.decode()
        assert page["Content-Language"] == "ar" and '<html lang="ar" dir="rtl">' in html
        assert "موعدك" in html and 'href="tel:0491000000"' in html and "borne-bouton" in html
        client.post(url, {"action": "annuler"})
        done = client.post(url, {"action": "annuler_confirme"}).content.decode()
        assert "تم إلغاء موعدك." in done and "موعد آخر؟" in done and "data-reprendre" in done


def test_expired_link_gives_the_phone_number_in_the_booking_language(client, borne_a, mds_a, desk):
    mds_a.telephone = "04 91 00 00 00"
    mds_a.save()
    with travel(OPEN):
        rdv, _code = services.reserver(
            borne=borne_a, motif=desk, debut=_dt("2026-12-01 10:30"), prenom_ou_initiales="S", langue="en"
        )
    with travel("2026-12-03 10:00:00+01:00"):
        page = client.get(reverse("borne:annulation", kwargs={"jeton": tokens.jeton_annulation(rdv)}))
        assert page.status_code == 404 and "This link no longer works." in page.content.decode()
        assert 'href="tel:0491000000"' in page.content.decode()


def test_other_kiosk_cannot_read_this_kiosks_help_state(borne_a, mds_a):
    other = kiosk_client(BorneFactory(mds=mds_a))
    demande = services.demander_aide(borne=borne_a, ecran="accueil")
    session = other.session
    session["borne_aide"] = demande.pk
    session.save()
    assert "On a prévenu l'accueil" not in text(other.get(reverse("borne:aide")))


def test_slip_qr_code_opens_the_signed_page_and_the_calendar_file(kiosk, client, desk):
    from accueil.borne.views_parcours import _qr

    with travel(OPEN):
        _book(kiosk, desk)
        html = kiosk.get(reverse("borne:rdv_confirmation")).content.decode()
        rdv = RendezVous.objects.get()
        link = tokens.lien_annulation(rdv)
        assert f'src="{_qr(link)}"' in html  # the QR code holds the signed link, not a bare code
        jeton = link.rsplit("/", 1)[1]
        page = client.get(reverse("borne:annulation", kwargs={"jeton": jeton})).content.decode()
        ics_url = reverse("borne:annulation_ics", kwargs={"jeton": jeton})
        assert ics_url in page
        ics = client.get(ics_url)
        body = ics.content.decode()
        assert ics["Content-Type"].startswith("text/calendar") and "BEGIN:VEVENT" in body
        assert "Samia" not in body and desk.libelle not in body  # no name, no motif
        assert client.get(reverse("borne:annulation_ics", kwargs={"jeton": _tampered(jeton)})).status_code == 404
