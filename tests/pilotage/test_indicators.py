"""Every indicator against a hand-counted fixture (October 2026, two MDS).

Fixture, MDS A (mediator med_a), all in October unless said:
  acc0  u2  20/09 60 min aller_vers       impots_avis (3 steps faire_faire) finalisée          ← September
  acc1  u1  02/10 30 min aller_vers       caf_prime_activite (7 steps avec) finalisée
  acc2  u1  15/10 45 min rendez_vous      caf_prime_activite (7 autonome) à finaliser
  acc3  u2  20/10 30 min venu_directement impots_avis (3 faire_faire) doit revenir
                                          + cpam_attestation (3 à la place) finalisée
  acc4  —   21/10 15 min borne            caf_attestation (3 avec) finalisée            (anonymous)
  acc5  u1  25/10 → cancelled (not counted)
  acc6  u2  22/10 20 min → corrected to 40 min, caf_attestation (3 avec) finalisée
  atelier collectif 10/10 120 min (session log) ; séance tenue capacity 8, 6 anonymous participants ;
  séance annulée (minimum non atteint).
  Desk open Mondays 9–12; closure 19/10 → Mondays 5, 12, 26 → 9 h.
  Walk-ins waited 60, 120, 300, 600 s; one appointment check-in.
  Appointments: honoré ×3 (accueil, accueil, borne), absent ×1 (orientation), excusé ×1 (médiateur).
MDS B (med_b): acc7 u3 05/10 90 min oriente_professionnel logement_demande (7 avec) finalisée.
"""

import datetime as dt

import pytest
from django.utils import timezone

from accueil.models import Fermeture, Passage, PlageOuverture, RendezVous
from ateliers.models import ParticipantAnonyme
from core.roles import Role
from mediation.services import annuler_accompagnement, corriger_accompagnement, log_atelier_seance
from pilotage import indicators, services
from pilotage.periode import PARIS, Perimetre, Periode
from pilotage.rollup import rafraichir
from tests.accueil.factories import MotifFactory
from tests.ateliers.factories import SeanceFactory
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
OCT = Periode("mois", dt.date(2026, 10, 1))
FF, AV, AU, ALP = "faire_faire", "avec", "autonome", "a_la_place"


def all_steps(code, posture):
    from tests.mediation.factories import demarche

    return dict.fromkeys(demarche(code).etapes_defaut, posture)


def d(day, month=10):
    return dt.date(2026, month, day)


def at(day, hour=10, minute=0):
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=PARIS)


@pytest.fixture
def world(mds_a, mds_b, make_user):
    med_a = make_user(Role.MEDIATEUR, mds=mds_a)
    med_b = make_user(Role.MEDIATEUR, mds=mds_b)
    u1 = UsagerFactory(mds=mds_a, genre="feminin", tranche_age="vingt_cinq_trente_neuf")
    u2 = UsagerFactory(mds=mds_a, genre="masculin", tranche_age="quarante_cinquante_neuf")
    u3 = UsagerFactory(mds=mds_b, genre="feminin", tranche_age="vingt_cinq_trente_neuf")

    def one(code, posture, resultat="finalisee"):
        return item(code, resultat=resultat, postures=all_steps(code, posture))

    log(mds_a, med_a, usager=u2, date=d(20, 9), duree=60, items=[one("impots_avis", FF)])
    log(mds_a, med_a, usager=u1, date=d(2), duree=30, items=[one("caf_prime_activite", AV)])
    log(mds_a, med_a, usager=u1, date=d(15), duree=45, source="rendez_vous",
        items=[one("caf_prime_activite", AU, "a_finaliser_en_autonomie")])  # fmt: skip
    log(mds_a, med_a, usager=u2, date=d(20), duree=30, source="venu_directement",
        items=[one("impots_avis", FF, "doit_revenir"), one("cpam_attestation", ALP)])  # fmt: skip
    log(mds_a, med_a, date=d(21), duree=15, source="borne", items=[one("caf_attestation", AV)])
    cancelled = log(mds_a, med_a, usager=u1, date=d(25), duree=30, items=[one("caf_attestation", AV)])
    annuler_accompagnement(accompagnement=cancelled, by=med_a)
    corrected = log(mds_a, med_a, usager=u2, date=d(22), duree=20, items=[one("caf_attestation", AV)])
    corriger_accompagnement(accompagnement=corrected, by=med_a, duree_minutes=40)
    log(mds_b, med_b, usager=u3, date=d(5), duree=90, source="oriente_professionnel",
        items=[one("logement_demande", AV)])  # fmt: skip

    log_atelier_seance(mds=mds_a, animateur=med_a, date=d(10), debut=dt.time(14), duree_minutes=120,
                       thematiques=["email"], participants=5, usager_ids=[u1.pk], seance_key="s1")  # fmt: skip
    held = SeanceFactory(atelier__mds=mds_a, debut=at(10, 14), capacite=8, statut="tenue", animateur=med_a)
    ParticipantAnonyme.objects.create(mds=mds_a, seance=held, tranche_age="non_communique", deja_accompagne=False,
                                      nombre=6)  # fmt: skip
    SeanceFactory(atelier__mds=mds_a, debut=at(17, 14), capacite=8, statut="annulee",
                  motif_annulation="minimum_non_atteint")  # fmt: skip

    PlageOuverture.objects.create(mds=mds_a, jour=0, debut=dt.time(9), fin=dt.time(12))
    Fermeture.objects.create(mds=mds_a, date_debut=d(19), date_fin=d(19))

    for k, wait in enumerate([60, 120, 300, 600], 1):
        Passage.objects.create(mds=mds_a, source="venu_directement", jour=d(6), numero=k, arrivee_le=at(6, 9),
                               statut="en_charge", attente_secondes=wait)  # fmt: skip
    Passage.objects.create(mds=mds_a, source="rendez_vous", jour=d(6), numero=9, arrivee_le=at(6, 9),
                           statut="en_charge", attente_secondes=30)  # fmt: skip

    motif = MotifFactory(mds=mds_a, libelle="Démarche en ligne")
    for statut, canal in [("honore", "accueil"), ("honore", "accueil"), ("honore", "borne"), ("absent", "orientation"),
                          ("excuse", "mediateur")]:  # fmt: skip
        RendezVous.objects.create(mds=mds_a, motif=motif, debut=at(8), fin=at(8, 10, 30), canal=canal, statut=statut)
    rafraichir()  # the rollup the indicators read (dashboards and reports refresh it themselves)
    return {"med_a": med_a, "mds_a": mds_a, "mds_b": mds_b}


def values(indicator_key, perimetre, periode=OCT):
    """{(mds_id or None, category): value} straight from the indicator's SQL."""
    fn = indicators.par_cle()[indicator_key].fonction
    return {(m, c): (float(v) if v is not None and not isinstance(v, int) else v) for m, c, v in fn(periode, perimetre)}


def scope_a(world):
    return Perimetre(mds=(world["mds_a"],))


def departement(world):
    return Perimetre(mds=(world["mds_a"], world["mds_b"]), departement=True)


def test_accompaniments_sources_and_modes(world):
    a = world["mds_a"].pk
    sources = values("sources", scope_a(world))
    assert {c: v for (m, c), v in sources.items() if m is None} == {
        "aller_vers": 2, "rendez_vous": 1, "venu_directement": 1, "borne": 1,
    }  # fmt: skip
    assert sources[(a, "aller_vers")] == 2
    modes = values("mode", departement(world))
    assert modes[(None, "rdv")] == 1 and modes[(None, "sans_rdv")] == 5  # + MDS B's orientation
    trend = values("accompagnements_mois", scope_a(world))
    assert trend[(None, "2026-10")] == 5 and trend[(None, "2026-09")] == 1


def test_distinct_visitors_new_and_returning(world):
    v = values("usagers", departement(world))
    assert v[(None, "nouveaux")] == 2  # u1 and u3: first accompaniment in October
    assert v[(None, "revenus")] == 1  # u2 came in September
    assert v[(world["mds_b"].pk, "nouveaux")] == 1


def test_demarches_outcomes_and_postures(world):
    org = values("demarches_organisme", scope_a(world))
    assert org[(None, "caf")] == 4 and org[(None, "dgfip")] == 1 and org[(None, "cpam")] == 1
    res = values("resultats", scope_a(world))
    assert (res[(None, "finalisee")], res[(None, "a_finaliser_en_autonomie")], res[(None, "doit_revenir")]) == (4, 1, 1)
    n = values("postures_nombre", scope_a(world))
    assert (n[(None, AV)], n[(None, AU)], n[(None, FF)], n[(None, ALP)]) == (13, 7, 3, 3)
    shares = values("postures", scope_a(world))
    assert shares[(None, AV)] == pytest.approx(100 * 13 / 26, abs=0.05)
    assert shares[(None, AU)] == pytest.approx(100 * 7 / 26, abs=0.05)
    procedures = values("demarches_procedure", departement(world))
    assert procedures[(None, "caf_prime_activite")] == 2 and procedures[(None, "logement_demande")] == 1


def test_autonomy_progression_of_returning_visitors(world):
    p = values("progression", scope_a(world))
    # u1: 0 % (avec) then 100 % (autonome); u2: 100 % in September, last in October = acc6 (avec) 0 %.
    assert p[(None, "usagers")] == 2
    assert p[(None, "premiere")] == pytest.approx(50.0)
    assert p[(None, "derniere")] == pytest.approx(50.0)


def test_time_spent_and_median_duration(world):
    hours = values("temps", scope_a(world))
    assert hours[(None, "accompagnement")] == pytest.approx(round(160 / 60, 1))  # 30+45+30+15+40
    assert hours[(None, "atelier_collectif")] == pytest.approx(2.0)
    median = values("duree_mediane", scope_a(world))
    assert median[(None, "accompagnement")] == 30


def test_waiting_time_and_arrivals(world):
    w = values("attente", scope_a(world))
    assert w[(None, "passages")] == 4
    assert w[(None, "mediane")] == pytest.approx(3.5)  # (120 + 300) / 2 s
    assert w[(None, "p90")] == pytest.approx(8.5)  # 300 + 0.7 × 300 s
    arr = values("arrivees", scope_a(world))
    assert arr[(None, "sans_rdv")] == 4 and arr[(None, "rdv")] == 1


def test_appointments(world):
    s = values("rdv_statut", scope_a(world))
    assert (s[(None, "honore")], s[(None, "absent")], s[(None, "excuse")]) == (3, 1, 1)
    c = values("rdv_canal", scope_a(world))
    assert (c[(None, "accueil")], c[(None, "borne")], c[(None, "orientation")]) == (2, 1, 1)
    assert indicators.taux_absence(OCT, scope_a(world)) == pytest.approx(25.0)
    assert values("rdv_motif", scope_a(world))[(None, "Démarche en ligne")] == 5


def test_ateliers(world):
    a = values("ateliers", scope_a(world))
    assert a[(None, "seances_tenues")] == 1 and a[(None, "participants")] == 6
    assert a[(None, "taux_remplissage")] == pytest.approx(75.0)
    assert a[(None, "annulations_minimum")] == 1


def test_capacity_use(world):
    c = values("capacite", scope_a(world))
    assert c[(None, "ouverture")] == pytest.approx(9.0)  # 3 Mondays open × 3 h
    assert c[(None, "accompagnement")] == pytest.approx(2.7)
    assert c[(None, "taux")] == pytest.approx(round(100 * (160 / 60) / 9, 1))


def test_profile_bands_are_distinct_people_and_protected(world):
    g = values("profil_genre", departement(world))
    assert g[(None, "feminin")] == 2 and g[(None, "masculin")] == 1
    table = services.tableau("profil_genre", OCT, departement(world))
    # Every inner count here is below 11: masked; the rows' totals (distinct visitors of each MDS,
    # a public key figure) stay, and they add up to the grand total.
    for _label, *cells, total in table.rangees():
        assert all(v in ("< 11", "s", 0) for v in cells)
        assert isinstance(total, int)
    assert sum(row[-1] for row in table.rangees()[:-1]) == table.rangees()[-1][-1]


def test_key_figures_and_previous_period(world):
    figures = {c.cle: c for c in services.chiffres_cles(OCT, scope_a(world))}
    assert figures["nb_accompagnements"].valeur == 5 and figures["nb_accompagnements"].precedent == 1
    assert figures["nb_usagers"].valeur == 2
    assert figures["nb_demarches"].valeur == 6
    assert figures["heures"].valeur == pytest.approx(round(280 / 60, 1))
    assert figures["part_autonome"].valeur == pytest.approx(round(100 * 10 / 26, 1))
    assert figures["attente_mediane"].valeur == pytest.approx(3.5)


def test_mediator_sees_only_own_acts(world, make_user):
    mine = Perimetre(mds=(world["mds_a"],), mediateur=world["med_a"])
    assert indicators.nb_accompagnements(OCT, mine) == 5
    colleague = make_user(Role.MEDIATEUR, mds=world["mds_a"])
    theirs = Perimetre(mds=(world["mds_a"],), mediateur=colleague)
    assert indicators.nb_accompagnements(OCT, theirs) == 0


def test_departement_table_has_rows_per_mds_and_total(world):
    table = services.tableau("sources", OCT, departement(world))
    rows = {row[0]: row[1:] for row in table.rangees()}
    assert set(rows) == {world["mds_a"].nom, world["mds_b"].nom, "Total"}
    assert rows["Total"][-1] == 6  # total column of the total row
    assert sum(rows[world["mds_a"].nom][:-1]) == rows[world["mds_a"].nom][-1] == 5


def test_quarter_and_twelve_months(world):
    q = Periode("trimestre", dt.date(2026, 11, 1))  # Oct–Dec
    assert indicators.nb_accompagnements(q, scope_a(world)) == 5
    y = Periode("12mois", dt.date(2026, 10, 1))
    assert indicators.nb_accompagnements(y, scope_a(world)) == 6
    assert timezone.is_aware(y.debut_dt) and y.debut == dt.date(2025, 11, 1)


def test_reminder_delivery(world):
    from django.contrib.contenttypes.models import ContentType

    from notifications.models import Message

    ct = ContentType.objects.get_for_model(RendezVous)
    specs = [
        ("rappel_rdv_j2", "envoye", "livre"),
        ("rappel_rdv_j2", "envoye", "livre"),
        ("rappel_rdv_jour", "envoye", "non_livre"),
        ("rappel_atelier", "echec", ""),
        ("rappel_rdv_j2", "annule", ""),
        ("confirmation_rdv", "envoye", "livre"),  # not a reminder: not counted
    ]
    for k, (kind, status, delivery) in enumerate(specs):
        Message.objects.create(
            mds=world["mds_a"], kind=kind, channel="sms", recipient="+33600000000",
            object_type=ct, object_id=k, send_at=at(7), status=status, delivery=delivery,
        )  # fmt: skip
    r = values("rappels", scope_a(world))
    assert (r[(None, "remis")], r[(None, "non_remis")], r[(None, "echec")], r[(None, "annule")]) == (2, 1, 1, 1)
    assert indicators.taux_remise_rappels(OCT, scope_a(world)) == pytest.approx(50.0)  # 2 / (3 sent + 1 failed)
