"""The kiosk flows through the Django test client (the browser tests are in tests/e2e)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from accueil.borne import selectors, services, tokens
from accueil.borne.codes import ALPHABET
from accueil.borne.models import CodeReservation
from accueil.enums import CanalRappel, CanalReservation, SourcePassage, StatutRendezVous
from accueil.models import Passage, RendezVous
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk

pytestmark = pytest.mark.django_db

# A Tuesday that is not a public holiday, 9:40 in Paris.
NOW = "2026-12-01 09:40:00+01:00"


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    make_mediators(mds_a, 1)
    return MotifFactory(mds=mds_a, libelle="Aide pour un e-mail", reservable_borne=True)


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


def strip(html):
    return re.sub(r"<[^>]+>", "", html)


def jeton(response):
    return re.search(r'name="jeton" value="([^"]+)"', response.content.decode()).group(1)


def first_value(response, name):
    return re.search(rf'name="{name}"\s+value="([^"]+)"', response.content.decode()).group(1)


def go_to_reminder(kiosk, motif, prenom="Marie Dupont"):
    kiosk.post(reverse("borne:rdv"), {"motif": motif.pk})
    day = first_value(kiosk.get(reverse("borne:rdv_jour")), "jour")
    kiosk.post(reverse("borne:rdv_jour"), {"jour": day})
    debut = first_value(kiosk.get(reverse("borne:rdv_heure")), "debut")
    kiosk.post(reverse("borne:rdv_heure"), {"debut": debut})
    kiosk.post(reverse("borne:rdv_prenom"), {"prenom": prenom})
    return debut


def test_booking_with_sms_reminder(kiosk, borne_a, desk, now):
    debut = go_to_reminder(kiosk, desk)
    page = kiosk.get(reverse("borne:rdv_rappel"))
    assert "Étape 5 sur 6" in page.content.decode()
    assert kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "sms"})["Location"] == reverse("borne:rdv_telephone")
    response = kiosk.post(
        reverse("borne:rdv_telephone"),
        {"telephone": "06 12 34 56 78", "jeton": jeton(kiosk.get(reverse("borne:rdv_telephone")))},
    )
    assert response["Location"] == reverse("borne:rdv_confirmation")
    rdv = RendezVous.objects.get()
    assert rdv.mds == borne_a.mds and rdv.motif == desk and rdv.debut == _dt(debut)
    assert (rdv.canal, rdv.rappel, rdv.telephone, rdv.prenom_ou_initiales) == (
        CanalReservation.BORNE,
        CanalRappel.SMS,
        "+33612345678",
        "Marie Dupont",
    )
    code = CodeReservation.objects.get(rendez_vous=rdv).code
    assert len(code) == 8 and set(code) <= set(ALPHABET)
    html = kiosk.get(reverse("borne:rdv_confirmation")).content.decode()
    assert f"{code[:4]} {code[4:]}" in html
    assert "data:image/svg+xml" in html  # QR code of the booking code
    assert "Marie" not in html and desk.libelle not in strip(html)  # nothing personal on the waiting-room screen


def test_booking_without_reminder_and_invalid_inputs(kiosk, desk, now):
    kiosk.post(reverse("borne:rdv"), {"motif": desk.pk})
    day = first_value(kiosk.get(reverse("borne:rdv_jour")), "jour")
    assert kiosk.post(reverse("borne:rdv_jour"), {"jour": "2031-01-01"}).status_code == 200  # not offered
    kiosk.post(reverse("borne:rdv_jour"), {"jour": day})
    assert kiosk.post(reverse("borne:rdv_heure"), {"debut": "2031-01-01T10:00:00+01:00"}).status_code == 200
    kiosk.post(reverse("borne:rdv_heure"), {"debut": first_value(kiosk.get(reverse("borne:rdv_heure")), "debut")})
    for bad in ("", "0612345678", "mdp: secret123"):
        response = kiosk.post(reverse("borne:rdv_prenom"), {"prenom": bad})
        assert response.status_code == 200 and 'aria-invalid="true"' in response.content.decode()
    kiosk.post(reverse("borne:rdv_prenom"), {"prenom": "M. D."})
    kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "sms"})
    bad_phone = kiosk.post(reverse("borne:rdv_telephone"), {"telephone": "04 91 00 00 00"})  # landline: no SMS
    assert bad_phone.status_code == 200 and not RendezVous.objects.exists()
    kiosk.get(reverse("borne:rdv_rappel"))
    kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "j1"})
    rdv = RendezVous.objects.get()
    assert (rdv.rappel, rdv.telephone, rdv.prenom_ou_initiales) == (CanalRappel.AUCUN, "", "M. D.")


def test_only_kiosk_motifs_are_offered(kiosk, desk, mds_a, mds_b, now):
    hidden = MotifFactory(mds=mds_a, libelle="Réservé au guichet", reservable_borne=False)
    other = MotifFactory(mds=mds_b, libelle="Autre MDS", reservable_borne=True)
    html = re.sub(r"<[^>]+>", "", kiosk.get(reverse("borne:rdv")).content.decode())
    assert desk.libelle in html and hidden.libelle not in html and other.libelle not in html
    kiosk.post(reverse("borne:rdv"), {"motif": other.pk})
    assert kiosk.get(reverse("borne:rdv_jour"))["Location"] == reverse("borne:rdv")


def test_taken_slot_offers_the_next_ones_and_books_in_one_tap(kiosk, borne_a, desk, now):
    debut = go_to_reminder(kiosk, desk)
    # Someone else takes the slot at the desk meanwhile.
    from accueil.services import book_appointment

    rdv_other = book_appointment(mds=borne_a.mds, motif=desk, start=_dt(debut), channel="accueil")
    response = kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "a"})
    assert response["Location"] == reverse("borne:rdv_heure")
    page = kiosk.get(reverse("borne:rdv_heure")).content.decode()
    assert "vient d'être prise" in page
    offered = re.findall(r'name="debut" value="([^"]+)"', page)
    assert offered and all(_dt(o) > _dt(debut) for o in offered)
    response = kiosk.post(reverse("borne:rdv_heure"), {"debut": offered[0], "jeton": "b"})
    assert response["Location"] == reverse("borne:rdv_confirmation")
    mine = RendezVous.objects.exclude(pk=rdv_other.pk).get()
    assert mine.debut == _dt(offered[0]) and mine.prenom_ou_initiales == "Marie Dupont"


def _dt(value):
    from datetime import datetime

    return datetime.fromisoformat(value)


def test_double_submit_books_once(kiosk, desk, now):
    go_to_reminder(kiosk, desk)
    token = jeton(kiosk.get(reverse("borne:rdv_rappel")))
    first = kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": token})
    second = kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": token})
    assert first["Location"] == second["Location"] == reverse("borne:rdv_confirmation")
    assert RendezVous.objects.count() == 1


def test_booking_rate_limit_per_device(kiosk, desk, settings, now):
    settings.BORNE_RATE_LIMITS = {"reservation": "1/h"}
    go_to_reminder(kiosk, desk)
    kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "1"})
    go_to_reminder(kiosk, desk)
    response = kiosk.post(reverse("borne:rdv_rappel"), {"rappel": "non", "jeton": "2"})
    assert response.status_code == 429 and RendezVous.objects.count() == 1


# --- Check-in ------------------------------------------------------------------------------------


def book_today(borne, motif, hour, minute=0, prenom="Karim Benali"):
    return services.reserver(
        borne=borne,
        motif=motif,
        debut=at(_today(), hour, minute),
        prenom_ou_initiales=prenom,
        now=at(_today(), 7),
    )


def _today():
    from django.utils import timezone

    return timezone.localdate()


def test_check_in_with_booking_code(kiosk, borne_a, desk, now):
    rdv, code = book_today(borne_a, desk, 10)
    response = kiosk.post(reverse("borne:arrivee_code"), {"code": code.lower()[:4] + " " + code[4:], "jeton": "x"})
    assert response["Location"] == reverse("borne:arrivee_ticket")
    passage = Passage.objects.get()
    rdv.refresh_from_db()
    assert passage.rendez_vous == rdv and passage.source == SourcePassage.RENDEZ_VOUS
    assert rdv.statut == StatutRendezVous.HONORE
    html = kiosk.get(reverse("borne:arrivee_ticket")).content.decode()
    assert passage.ticket in html and "Karim" not in html
    # The same code again (double tap with the same form): same ticket, no second passage.
    again = kiosk.post(reverse("borne:arrivee_code"), {"code": code, "jeton": "x"})
    assert again["Location"] == reverse("borne:arrivee_ticket") and Passage.objects.count() == 1


def test_check_in_code_of_another_mds_or_wrong_code(kiosk, borne_b, mds_b, desk, now):
    open_desk(mds_b)
    make_mediators(mds_b, 1)
    _rdv, code_b = book_today(borne_b, MotifFactory(mds=mds_b, reservable_borne=True), 10)
    for code in (code_b, "ACDEFGHJ"):
        response = kiosk.post(reverse("borne:arrivee_code"), {"code": code})
        assert response.status_code == 200 and "Nous ne trouvons pas ce code" in response.content.decode()
    assert not Passage.objects.exists()


def test_code_lookup_is_rate_limited(kiosk, settings, desk, now):
    settings.BORNE_RATE_LIMITS = {"recherche": "3/10m"}
    statuses = [kiosk.post(reverse("borne:arrivee_code"), {"code": f"ACDEFGH{c}"}).status_code for c in "34679"]
    assert statuses == [200, 200, 200, 429, 429]


def test_check_in_from_the_list_shows_only_times_and_initials(kiosk, borne_a, desk, now):
    rdv, _code = book_today(borne_a, desk, 10, 30, prenom="Karim Benali")
    seen, _code = book_today(borne_a, desk, 11, 0, prenom="Déjà Arrivé")
    services.enregistrer_arrivee(rendez_vous=seen)  # already checked in: not listed
    html = kiosk.get(reverse("borne:arrivee_liste")).content.decode()
    assert "10:30" in html and "K. B." in html and "11:00" not in html
    assert "Karim" not in html and "Benali" not in html and desk.libelle not in strip(html)
    response = kiosk.post(reverse("borne:arrivee_liste"), {"rdv": rdv.pk, "jeton": "t"})
    assert response["Location"] == reverse("borne:arrivee_ticket")
    assert Passage.objects.get(rendez_vous=rdv).source == SourcePassage.RENDEZ_VOUS


def test_initials():
    assert selectors.initiales("Marie Dupont") == "M. D."
    assert selectors.initiales("MD") == "M. D."
    assert selectors.initiales("m.d.") == "M. D."
    assert selectors.initiales("Jean-Pierre") == "J. P."
    assert selectors.initiales("") == "?"


# --- Walk-in ticket ----------------------------------------------------------------------------


def test_ticket_with_estimated_wait(kiosk, borne_a, desk, now, settings):
    settings.BORNE_MINUTES_PAR_PERSONNE = 15
    for _ in range(2):
        services.prendre_ticket(borne=borne_a)
    page = kiosk.get(reverse("borne:ticket")).content.decode()
    assert desk.libelle in re.sub(r"<[^>]+>", "", page) and "Autre chose" in page
    response = kiosk.post(reverse("borne:ticket"), {"motif": desk.pk, "jeton": jeton_from(page)})
    assert response["Location"] == reverse("borne:ticket_numero")
    passage = Passage.objects.latest("numero")
    assert (passage.source, passage.motif, passage.numero) == (SourcePassage.BORNE, desk, 3)
    html = kiosk.get(reverse("borne:ticket_numero")).content.decode()
    assert "A-003" in html and "2 personnes avant vous" in html and "environ 30 minutes" in html


def jeton_from(html):
    return re.search(r'name="jeton" value="([^"]+)"', html).group(1)


def test_ticket_double_tap_and_other_reason(kiosk, now, desk):
    for _ in range(2):
        kiosk.post(reverse("borne:ticket"), {"motif": "autre", "jeton": "same"})
    passage = Passage.objects.get()
    assert passage.motif is None and passage.source == SourcePassage.BORNE
    assert "Personne n'attend avant vous" in kiosk.get(reverse("borne:ticket_numero")).content.decode()


def test_ticket_rate_limit(kiosk, settings, desk, now):
    settings.BORNE_RATE_LIMITS = {"ticket": "2/h"}
    statuses = [kiosk.post(reverse("borne:ticket"), {"motif": "autre", "jeton": str(i)}).status_code for i in range(3)]
    assert statuses == [302, 302, 429] and Passage.objects.count() == 2


# --- Cancellation link ---------------------------------------------------------------------------


def test_cancellation_link(client, borne_a, desk, now, settings):
    day = next_open_day()
    rdv, _code = services.reserver(
        borne=borne_a, motif=desk, debut=at(day, 14), prenom_ou_initiales="Zoé Martin", telephone="+33612345678"
    )
    link = tokens.lien_annulation(rdv)
    path = link[link.index("/borne/") :]
    assert link.startswith(settings.SITE_URL) and len(path) <= 30  # short enough for an SMS
    html = client.get(path).content.decode()
    assert "14:00" in html and borne_a.mds.adresse in html
    assert "Zoé" not in html and desk.libelle not in strip(html) and "+33612345678" not in html
    client.post(path, {"action": "annuler"})
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.A_VENIR  # asked for confirmation first
    response = client.post(path, {"action": "annuler_confirme"})
    assert "est annulé" in response.content.decode()
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.EXCUSE


def test_cancellation_link_refuses_forged_and_expired_tokens(client, borne_a, desk, now):
    rdv, _code = services.reserver(borne=borne_a, motif=desk, debut=at(next_open_day(), 10), prenom_ou_initiales="A")
    token = tokens.jeton_annulation(rdv)
    pk, sig = token.split("-")
    other_pk = tokens._b36(rdv.pk + 1)
    for bad in (f"{pk}-{sig[:-1]}x", f"{other_pk}-{sig}", "zz", f"{pk}"):
        assert client.get(reverse("borne:annulation", kwargs={"jeton": bad})).status_code == 404
    with time_machine.travel(rdv.fin + timedelta(minutes=1)):
        assert client.get(reverse("borne:annulation", kwargs={"jeton": token})).status_code == 404


def test_cancellation_page_is_rate_limited(client, settings):
    settings.BORNE_RATE_LIMITS = {"annulation_ip": "2/10m"}
    statuses = [client.get(reverse("borne:annulation", kwargs={"jeton": f"{i}-x"})).status_code for i in range(3)]
    assert statuses == [404, 404, 429]


def test_kiosk_cannot_check_in_or_ticket_for_another_mds(kiosk, borne_b, mds_b, desk, now):
    open_desk(mds_b)
    make_mediators(mds_b, 1)
    motif_b = MotifFactory(mds=mds_b, reservable_borne=True)
    rdv_b, _code = book_today(borne_b, motif_b, 10)
    html = kiosk.get(reverse("borne:arrivee_liste")).content.decode()
    assert f'value="{rdv_b.pk}"' not in html
    response = kiosk.post(reverse("borne:arrivee_liste"), {"rdv": rdv_b.pk, "jeton": "cross"})
    assert response["Location"] == reverse("borne:arrivee_liste")
    kiosk.post(reverse("borne:ticket"), {"motif": motif_b.pk, "jeton": "cross2"})
    assert not Passage.objects.exists()
    # A confirmation of another MDS cannot be displayed either.
    session = kiosk.session
    session["borne_fait"] = {"type": "rdv", "pk": rdv_b.pk, "code": "ACDEFGHJ", "url": "/"}
    session.save()
    assert kiosk.get(reverse("borne:rdv_confirmation"))["Location"] == reverse("borne:accueil")
