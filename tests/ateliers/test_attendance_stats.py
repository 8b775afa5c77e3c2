import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ateliers import selectors, services
from ateliers.enums import MotifAnnulation, Presence, StatutSeance
from ateliers.models import ParticipantAnonyme, Seance
from tests.ateliers.factories import SeanceFactory
from tests.factories import MDSFactory
from tests.usagers.factories import UsagerFactory

NOW = dt.datetime(2026, 3, 10, 9, tzinfo=dt.UTC)


def _held(mds, *, capacite, inscrits, presents, anonymes=(), when=None):
    """A séance registered before it starts, attended and closed."""
    seance = SeanceFactory(atelier__mds=mds, capacite=capacite, minimum_participants=1, debut=when or NOW)
    with_time = seance.debut - dt.timedelta(days=3)
    rows = [
        services.inscrire(seance_id=seance.pk, usager_id=UsagerFactory(mds=mds).pk, now=with_time)
        for _ in range(inscrits)
    ]
    for row in rows[:presents]:
        services.marquer_presence(inscription_id=row.pk, presence=Presence.PRESENT, now=seance.debut)
    for tranche, deja, nombre in anonymes:
        services.ajouter_participants_anonymes(
            seance_id=seance.pk, tranche_age=tranche, deja_accompagne=deja, nombre=nombre, now=seance.debut
        )
    services.cloturer_emargement(seance_id=seance.pk, now=seance.debut + dt.timedelta(hours=2))
    return seance


@pytest.mark.django_db
def test_anonymous_walk_ins_are_counted_by_band_and_merged(mds_a):
    seance = SeanceFactory(atelier__mds=mds_a, debut=NOW)
    for nombre in (2, 3):
        services.ajouter_participants_anonymes(
            seance_id=seance.pk, tranche_age="soixante_dix_plus", deja_accompagne=False, nombre=nombre, now=NOW
        )
    services.ajouter_participants_anonymes(
        seance_id=seance.pk, tranche_age="soixante_dix_plus", deja_accompagne=True, nombre=1, now=NOW
    )
    rows = {(r.tranche_age, r.deja_accompagne): r.nombre for r in ParticipantAnonyme.objects.filter(seance=seance)}
    assert rows == {("soixante_dix_plus", False): 5, ("soixante_dix_plus", True): 1}
    with pytest.raises(ValidationError):
        services.ajouter_participants_anonymes(
            seance_id=seance.pk, tranche_age="inconnue", deja_accompagne=True, nombre=1, now=NOW
        )
    with pytest.raises(ValidationError, match="jour de la séance"):
        services.ajouter_participants_anonymes(
            seance_id=seance.pk, tranche_age="soixante_dix_plus", deja_accompagne=True, nombre=1,
            now=NOW - dt.timedelta(days=2),
        )  # fmt: skip


@pytest.mark.django_db
def test_closing_attendance_marks_missing_people_absent_and_records_contact(mds_a):
    seance = _held(mds_a, capacite=6, inscrits=3, presents=1)
    seance.refresh_from_db()
    assert seance.statut == StatutSeance.TENUE
    presences = sorted(seance.inscriptions.values_list("presence", flat=True))
    assert presences == [Presence.ABSENT, Presence.ABSENT, Presence.PRESENT]
    present = seance.inscriptions.get(presence=Presence.PRESENT).usager
    assert present.last_contact_at == seance.debut
    with pytest.raises(ValidationError, match="déjà clôturé"):
        services.cloturer_emargement(seance_id=seance.pk, now=seance.debut + dt.timedelta(hours=3))


@pytest.mark.django_db
def test_statistics_per_mds_in_sql(mds_a, mds_b, django_assert_max_num_queries):
    mds_c = MDSFactory(code="CCC", nom="MDS Gamma")
    _held(mds_a, capacite=8, inscrits=4, presents=3, anonymes=[("vingt_cinq_trente_neuf", False, 2)])
    _held(mds_a, capacite=4, inscrits=2, presents=2, when=NOW + dt.timedelta(days=7))
    cancelled = SeanceFactory(atelier__mds=mds_a, debut=NOW + dt.timedelta(days=2))
    services.cancel_seance(seance_id=cancelled.pk, motif=MotifAnnulation.MINIMUM_NON_ATTEINT, now=NOW)
    other = SeanceFactory(atelier__mds=mds_a, debut=NOW + dt.timedelta(days=3))
    services.cancel_seance(seance_id=other.pk, motif=MotifAnnulation.AUTRE, now=NOW)
    _held(mds_b, capacite=10, inscrits=1, presents=1, anonymes=[("soixante_dix_plus", True, 4)])
    _held(mds_c, capacite=10, inscrits=1, presents=1, when=NOW + dt.timedelta(days=60))  # out of the period

    debut, fin = NOW - dt.timedelta(days=1), NOW + dt.timedelta(days=30)
    with django_assert_max_num_queries(1):
        rows = {r["mds__code"]: r for r in selectors.stats_par_mds(Seance.objects.all(), debut=debut, fin=fin)}
    assert set(rows) == {"AAA", "BBB"}
    a = rows["AAA"]
    assert a["seances_tenues"] == 2
    assert a["participants_inscrits"] == 5
    assert a["participants_anonymes"] == 2
    assert a["participants"] == 7
    assert a["places_offertes"] == 12
    assert a["taux_remplissage"] == round(100 * 7 / 12, 1)
    assert a["annulations"] == 2 and a["annulations_minimum"] == 1
    assert rows["BBB"]["participants"] == 5

    scoped = selectors.stats_totales(Seance.objects.for_mds(mds_b), debut=debut, fin=fin)
    assert scoped["participants"] == 5 and scoped["seances_tenues"] == 1
    months = selectors.stats_par_mois(Seance.objects.all(), debut=debut, fin=NOW + dt.timedelta(days=90))
    assert sum(m["seances_tenues"] for m in months) == 4
    bands = selectors.participants_anonymes_par_bande(Seance.objects.for_mds(mds_a), debut=debut, fin=fin)
    assert bands == [{"tranche_age": "vingt_cinq_trente_neuf", "deja_accompagne": False, "nombre": 2}]


@pytest.mark.django_db
def test_history_section_and_export_for_the_visitor_page(mds_a, rf, mediateur):
    from usagers.hooks import exporters, history_sections

    usager = UsagerFactory(mds=mds_a)
    seance = SeanceFactory(atelier__mds=mds_a, debut=timezone.now() + dt.timedelta(days=2))
    services.inscrire(seance_id=seance.pk, usager_id=usager.pk)
    section = next(s for s in history_sections if s.template_name == "ateliers/_historique_usager.html")
    request = rf.get("/")
    request.user = mediateur
    context = section.get_context(request, usager)
    assert [i.seance_id for i in context["inscriptions_ateliers"]] == [seance.pk]
    from django.template.loader import render_to_string

    html = render_to_string(section.template_name, context, request=request)
    assert seance.atelier.titre in html
    title, data = next(f(usager) for f in exporters if f.__module__ == "ateliers.history")
    assert title == "Ateliers" and data[0]["atelier"] == seance.atelier.titre


@pytest.mark.django_db
def test_visitor_page_lists_their_ateliers(mds_a, mediateur, client_for):
    from django.urls import reverse

    usager = UsagerFactory(mds=mds_a)
    seance = SeanceFactory(
        atelier__mds=mds_a, atelier__titre="Payer en ligne en sécurité", debut=timezone.now() + dt.timedelta(days=2)
    )
    services.inscrire(seance_id=seance.pk, usager_id=usager.pk)
    other = SeanceFactory(atelier__mds=mds_a, atelier__titre="Atelier d'une autre personne")
    services.inscrire(seance_id=other.pk, usager_id=UsagerFactory(mds=mds_a).pk)
    page = client_for(mediateur).get(reverse("usagers:detail", args=[usager.pk])).content.decode()
    assert "Payer en ligne en sécurité" in page
    assert reverse("ateliers:seance", args=[seance.pk]) in page
    assert "Atelier d'une autre personne" not in page
