"""Closures over bookings, ISO date inputs, invitations not accepted never bookable."""

import datetime as dt
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from accueil.enums import StatutRendezVous
from accueil.forms import mediators_of
from accueil.models import Fermeture
from accueil.selectors import free_slots
from accueil.services import book_appointment
from core.roles import Role
from core.services import invite_staff
from notifications.models import Message
from tests.accueil.factories import MotifFactory, at, make_mediators, next_open_day, open_desk

pytestmark = pytest.mark.django_db
PARAMS = reverse("accueil:parametres")


@pytest.fixture
def desk(mds_a):
    open_desk(mds_a)
    mediators = make_mediators(mds_a, 2)
    return mds_a, mediators, MotifFactory(mds=mds_a)


def closure(day, **extra):
    return {
        "kind": "fermeture",
        "fermeture-date_debut": day.isoformat(),
        "fermeture-date_fin": day.isoformat(),
        "fermeture-libelle": "Inventaire",
        **extra,
    }


def test_closure_over_bookings_lists_them_then_cancels_and_tells_visitors(desk, make_user, client_for):
    mds, (m1, m2), motif = desk
    day = next_open_day()
    told = book_appointment(
        mds=mds,
        motif=motif,
        start=at(day, 10),
        mediateur=m1,
        channel="accueil",
        reminder_channel="sms",
        telephone="+33612345678",
        prenom_ou_initiales="Léa",
    )
    other = book_appointment(mds=mds, motif=motif, start=at(day, 14), mediateur=m2, channel="accueil")
    later = book_appointment(mds=mds, motif=motif, start=at(next_open_day(day), 10), mediateur=m1, channel="accueil")
    client = client_for(make_user(Role.DIRECTEUR))
    page = client.post(PARAMS, closure(day))
    html = page.content.decode()
    assert page.status_code == 200 and "2 rendez-vous concernés" in html and "Léa" in html
    assert not Fermeture.objects.exists()  # nothing saved before the one confirmation
    response = client.post(PARAMS, closure(day, rendez_vous="annuler"))
    assert response.status_code == 302
    assert Fermeture.objects.get().date_debut == day
    for rdv, statut in (
        (told, StatutRendezVous.ANNULE),
        (other, StatutRendezVous.ANNULE),
        (later, StatutRendezVous.A_VENIR),
    ):
        rdv.refresh_from_db()
        assert rdv.statut == statut
    assert Message.objects.filter(kind="annulation_rdv", object_id=told.pk).count() == 1
    # The slots of that day are gone.
    assert free_slots(mds=mds, motif=motif, start_date=day, end_date=day) == []


def test_closure_kept_bookings_and_past_closure_refused(desk, make_user, client_for):
    mds, (m1, _), motif = desk
    day = next_open_day()
    rdv = book_appointment(mds=mds, motif=motif, start=at(day, 10), mediateur=m1, channel="accueil")
    client = client_for(make_user(Role.DIRECTEUR))
    client.post(PARAMS, closure(day, rendez_vous="garder"))
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.A_VENIR and Fermeture.objects.count() == 1
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(PARAMS, closure(yesterday))
    assert response.status_code == 200
    assert "ne peut pas commencer dans le passé" in response.content.decode()
    assert Fermeture.objects.count() == 1


def test_closure_lists_and_cancels_the_atelier_seances_of_those_days(desk, make_user, client_for):
    """One confirmation for appointments and séances; registrants and waitlist told by the outbox."""
    from ateliers import services as ateliers_services
    from ateliers.enums import MotifAnnulation, StatutSeance
    from ateliers.notifications import Kind
    from tests.ateliers.factories import SeanceFactory
    from tests.usagers.factories import UsagerFactory

    mds, (m1, _), motif = desk
    day = next_open_day()
    rdv = book_appointment(mds=mds, motif=motif, start=at(day, 10), mediateur=m1, channel="accueil")
    seance = SeanceFactory(atelier__mds=mds, atelier__titre="Premiers pas", debut=at(day, 14), capacite=1)
    other_day = SeanceFactory(atelier__mds=mds, debut=at(next_open_day(day), 14))
    elsewhere = SeanceFactory(debut=at(day, 14))  # another MDS, same day: untouched
    people = [UsagerFactory(mds=mds, canal_contact="sms", telephone="+33612345678") for _ in range(2)]
    registered, waiting = (ateliers_services.inscrire(seance_id=seance.pk, usager_id=u.pk) for u in people)
    client = client_for(make_user(Role.DIRECTEUR))

    html = unescape(client.post(PARAMS, closure(day)).content.decode())
    assert "Fermeture : réservations concernées" in html and "Premiers pas" in html
    assert "Séances d'ateliers prévues ces jours-là" in html
    response = client.post(PARAMS, closure(day, rendez_vous="annuler"), follow=True)
    assert "annulés : 1 rendez-vous, 1 séance d'atelier (2 personnes inscrites ou en attente)" in unescape(
        response.content.decode()
    )
    seance.refresh_from_db()
    assert (seance.statut, seance.motif_annulation) == (StatutSeance.ANNULEE, MotifAnnulation.FERMETURE)
    for untouched in (other_day, elsewhere):
        untouched.refresh_from_db()
        assert untouched.statut == StatutSeance.PLANIFIEE
    rdv.refresh_from_db()
    assert rdv.statut == StatutRendezVous.ANNULE
    for inscription in (registered, waiting):
        assert Message.objects.filter(kind=Kind.ATELIER_ANNULE, object_id=inscription.pk).count() == 1


def test_closure_with_only_seances_kept(desk, make_user, client_for):
    from ateliers.enums import StatutSeance
    from tests.ateliers.factories import SeanceFactory

    mds, _, _ = desk
    day = next_open_day()
    seance = SeanceFactory(atelier__mds=mds, debut=at(day, 9))
    client = client_for(make_user(Role.DIRECTEUR))
    assert "Fermeture : réservations concernées" in client.post(PARAMS, closure(day)).content.decode()
    assert not Fermeture.objects.exists()
    response = client.post(PARAMS, closure(day, rendez_vous="garder"), follow=True)
    assert (
        "restent prévus ces jours-là : 1 séance d&#x27;atelier (0 personne inscrite ou en attente)"
        in response.content.decode()
    )
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.PLANIFIEE and Fermeture.objects.count() == 1
    # The director's home keeps it in the alerts while the séance is still planned.
    assert "séances d'ateliers sont encore prévus ces jours-là" in unescape(client.get("/").content.decode())


DATE_VALUE = re.compile(r'<input[^>]*type="date"[^>]*>')


def date_values(html):
    values = []
    for tag in DATE_VALUE.findall(html):
        found = re.search(r'value="([^"]*)"', tag)
        if found:
            values.append(found.group(1))
    return values


def test_every_date_input_has_an_iso_value(desk, make_user, client_for):
    from tests.mediation.factories import log
    from tests.usagers.factories import UsagerFactory

    mds, (m1, _), motif = desk
    directeur, mediateur = make_user(Role.DIRECTEUR), make_user(Role.MEDIATEUR)
    usager = UsagerFactory(mds=mds)
    acc = log(mds, mediateur, usager=usager)
    day = next_open_day()
    pages = [
        (make_user(Role.ACCUEIL), reverse("accueil:rdv_nouveau") + f"?date={day.isoformat()}"),
        (make_user(Role.ACCUEIL), reverse("accueil:agenda")),
        (directeur, PARAMS),
        (mediateur, reverse("mediation:commencer")),
        (mediateur, reverse("mediation:modifier", kwargs={"pk": acc.pk})),
        (mediateur, reverse("mediation:corriger", kwargs={"pk": acc.pk})),
        (mediateur, reverse("mediation:liste") + "?du=2026-03-01&au=2026-03-31"),
    ]
    seen = 0
    for user, url in pages:
        html = client_for(user).get(url).content.decode()
        for value in date_values(html):
            seen += 1
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), f"{url} : {value!r}"
    assert seen >= 6
    # Bound forms re-rendered with errors keep ISO too.
    html = client_for(directeur).post(PARAMS, closure(timezone.localdate() - dt.timedelta(days=1))).content.decode()
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) for v in date_values(html) if v)


def test_an_invitation_not_accepted_is_never_bookable(desk):
    mds, (m1, m2), motif = desk
    invited = invite_staff(mds=mds, email="new@example.org", first_name="Nina", last_name="N.", role=Role.MEDIATEUR)
    from accueil.models import Disponibilite

    Disponibilite.objects.create(
        mds=mds, mediateur=invited, jour=next_open_day().weekday(), debut=dt.time(9), fin=dt.time(12)
    )
    assert invited not in mediators_of(mds) and m1 in mediators_of(mds)
    day = next_open_day()
    assert free_slots(mds=mds, motif=motif, start_date=day, end_date=day, mediateur=invited) == []


def test_no_booking_button_without_a_free_slot(desk, make_user, client_for):
    mds, _, motif = desk
    client = client_for(make_user(Role.ACCUEIL))
    url = reverse("accueil:rdv_nouveau")
    past = timezone.localdate() - dt.timedelta(days=30)
    html = client.get(url, {"motif": motif.pk, "date": past.isoformat()}).content.decode()
    assert "Aucun créneau libre" in html and "Réserver ce créneau" not in html
    html = client.get(url, {"motif": motif.pk, "date": next_open_day().isoformat()}).content.decode()
    assert "Réserver ce créneau" in html


def test_a_desk_closure_is_skipped_by_seances_planned_afterwards(desk, make_user, client_for):
    """The desk's closure is recorded by the ateliers too: a weekly series planned after it skips
    the closed day (with the reason), and deleting the closure at the desk lifts it there as well;
    a closure the ateliers entered themselves for the same days is left alone."""
    from ateliers import services as ateliers_services
    from ateliers.models import Fermeture as FermetureAteliers
    from ateliers.recurrence import jours_feries
    from tests.ateliers.factories import AtelierFactory

    mds, _, _ = desk
    day = next_open_day(min_days=8)
    week = dt.timedelta(days=7)
    while {day - week, day + week} & set(jours_feries([day.year, day.year + 1])):
        day = next_open_day(day, min_days=1)  # no public holiday a week before or after
    client = client_for(make_user(Role.DIRECTEUR))
    client.post(PARAMS, closure(day))
    desk_closure = Fermeture.objects.get()
    recorded = FermetureAteliers.objects.get(mds=mds)
    assert (recorded.date_debut, recorded.date_fin, recorded.motif, recorded.depuis_accueil) == (
        day, day, "Inventaire", True
    )  # fmt: skip

    atelier = AtelierFactory(mds=mds)
    planned = ateliers_services.planifier_seances(
        mds=mds, atelier=atelier, premier_jour=day - week, heure=dt.time(14), duree_minutes=90,
        frequence="hebdomadaire", jusqu_au=day + week,
    )  # fmt: skip
    assert [s.debut.date() for s in planned.seances] == [day - week, day + week]
    assert [(o.date, o.ignoree) for o in planned.ignorees] == [(day, "fermeture de la MDS : Inventaire")]

    response = client.post(reverse("accueil:parametre_supprimer", args=["fermeture", desk_closure.pk]), follow=True)
    assert "Fermeture supprimée" in response.content.decode()
    assert not Fermeture.objects.exists() and not FermetureAteliers.objects.exists()

    # The ateliers' own closure of the same day is neither duplicated nor dropped by the desk's.
    own = FermetureAteliers.objects.create(mds=mds, date_debut=day, date_fin=day, motif="Formation")
    client.post(PARAMS, closure(day))
    assert list(FermetureAteliers.objects.all()) == [own]
    client.post(reverse("accueil:parametre_supprimer", args=["fermeture", Fermeture.objects.get().pk]))
    assert list(FermetureAteliers.objects.all()) == [own]
