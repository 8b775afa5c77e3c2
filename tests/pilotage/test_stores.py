"""The stores (monthly rollup of additive figures, visitor-level and desk figures of closed periods)
give exactly the figures of the live queries: every key figure and every table of every dashboard is
computed both ways on a generated dataset with corrections, cancellations and late entries — in the
session log and in the desk's own tables (passages, appointments, reminders, ateliers)."""

import dataclasses
import datetime as dt
import random

import pytest
from dateutil.relativedelta import relativedelta

from core.dates import PARIS
from core.roles import Role
from mediation.services import OrientationInput, annuler_accompagnement, corriger_accompagnement, log_atelier_seance
from pilotage import agregats, fenetres, preparation, selectors
from pilotage.models import AgregatMois, FigureFenetre, ModificationTardive, ResumeActivite
from pilotage.periode import Perimetre, Periode, mois_courant
from pilotage.publications import ATTRIBUTS
from pilotage.rollup import rafraichir
from tests.mediation.factories import item, log
from tests.usagers.factories import UsagerFactory

pytestmark = pytest.mark.django_db
CODES = ["caf_prime_activite", "impots_avis", "cpam_attestation", "caf_attestation", "logement_demande"]
POSTURES = ["a_la_place", "avec", "faire_faire", "autonome"]
SOURCES = ["aller_vers", "oriente_professionnel", "venu_directement", "rendez_vous", "borne"]
RESULTATS = ["finalisee", "a_finaliser_en_autonomie", "doit_revenir", "abandonnee"]
GENRES = ["feminin", "masculin", "non_communique"]
AGES = ["vingt_cinq_trente_neuf", "quarante_cinquante_neuf", "soixante_soixante_neuf"]


def _item(rng):
    from tests.mediation.factories import demarche

    code = rng.choice(CODES)
    steps = {c: rng.choice(POSTURES) for c in demarche(code).etapes_defaut}
    if rng.random() < 0.1:
        to_social = OrientationInput(sens="vers_travailleur_social")
        return item(code, resultat="orientee", postures=steps, orientation=to_social, consentement="accord_verifie")
    return item(code, resultat=rng.choice(RESULTATS), postures=steps, consentement="accord_verifie")


@pytest.fixture
def history(make_user, mds_a, mds_b):
    """15 months (14 closed + the current one) in three MDS, 24 visitors coming back."""
    from tests.factories import MDSFactory

    rng = random.Random(14)
    mds_c = MDSFactory()
    places = [mds_a, mds_b, mds_c]
    staff = {m.pk: make_user(Role.MEDIATEUR, mds=m) for m in places}
    people = [UsagerFactory(mds=rng.choice(places), genre=rng.choice(GENRES), tranche_age=rng.choice(AGES))
              for _ in range(24)]  # fmt: skip
    first = mois_courant() - relativedelta(months=14)
    acts = []
    for k in range(150):
        mds = rng.choice(places)
        day = first + dt.timedelta(days=rng.randrange(0, (mois_courant() - first).days + 20))
        mine = [p for p in people if p.mds_id == mds.pk]
        usager = rng.choice(mine) if mine and rng.random() < 0.85 else None
        items = [_item(rng) for _ in range(rng.choice([1, 1, 2]))]  # an orientation has no step
        acts.append(log(mds, staff[mds.pk], usager=usager, date=day, duree=rng.choice([15, 20, 30, 45, 60, 90]),
                        source=rng.choice(SOURCES), items=items))  # fmt: skip
        if k % 40 == 0:
            log_atelier_seance(mds=mds, animateur=staff[mds.pk], date=day, debut=dt.time(14), duree_minutes=120,
                               thematiques=["email"], participants=4, usager_ids=[], seance_key=f"s{k}")  # fmt: skip
    for acc in acts[:8]:
        corriger_accompagnement(accompagnement=acc, by=staff[acc.mds_id], duree_minutes=75)
    for acc in acts[8:12]:  # a correction that moves the act to another month
        corriger_accompagnement(accompagnement=acc, by=staff[acc.mds_id], date=acc.date - relativedelta(months=2))
    for acc in acts[12:16]:
        annuler_accompagnement(accompagnement=acc, by=staff[acc.mds_id])
    desk = _desk(rng, places, first)
    rafraichir()
    return {"places": places, "staff": staff, "acts": acts, "people": people, **desk}


def _at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=PARIS)


def _desk(rng, places, first):
    """Queue passages, appointments, reminders and ateliers over the same 15 months."""
    from django.contrib.contenttypes.models import ContentType

    from accueil.models import Passage, RendezVous
    from notifications.models import Message
    from tests.accueil.factories import MotifFactory
    from tests.ateliers.factories import SeanceFactory

    motifs = {m.pk: MotifFactory(mds=m, libelle=f"Démarche en ligne {m.code}") for m in places}
    ct = ContentType.objects.get_for_model(RendezVous)
    days = (mois_courant() - first).days + 20
    passages, rdvs, seances = [], [], []
    for k in range(120):
        mds, day = rng.choice(places), first + dt.timedelta(days=rng.randrange(0, days))
        source = rng.choice(["venu_directement", "rendez_vous", "borne"])
        wait = rng.randrange(0, 1800)
        passages.append(Passage.objects.create(mds=mds, source=source, jour=day, numero=k, arrivee_le=_at(day, 9),
                                               statut="en_charge", attente_secondes=wait))  # fmt: skip
    for k in range(90):
        mds, day = rng.choice(places), first + dt.timedelta(days=rng.randrange(0, days))
        rdv = RendezVous.objects.create(mds=mds, motif=motifs[mds.pk], debut=_at(day, 10), fin=_at(day, 11),
                                        canal=rng.choice(["accueil", "borne", "mediateur"]),
                                        statut=rng.choice(["honore", "absent", "excuse", "prevu"]))  # fmt: skip
        rdvs.append(rdv)
        status, delivery = rng.choice([("envoye", "livre"), ("envoye", "non_livre"), ("echec", ""), ("annule", "")])
        Message.objects.create(mds=mds, kind="rappel_rdv_j2", channel="sms", recipient="+33600000000",
                               object_type=ct, object_id=rdv.pk, send_at=_at(day, 8) - dt.timedelta(days=2),
                               status=status, delivery=delivery)  # fmt: skip
    for _ in range(20):
        mds, day = rng.choice(places), first + dt.timedelta(days=rng.randrange(0, days))
        seances.append(SeanceFactory(atelier__mds=mds, debut=_at(day, 14), capacite=8,
                                     statut=rng.choice(["tenue", "tenue", "annulee"])))  # fmt: skip
    return {"passages": passages, "rdvs": rdvs, "seances": seances, "motifs": motifs}


def periodes():
    now = mois_courant()
    closed = [now - relativedelta(months=k) for k in (1, 2, 4)]
    found = [Periode("mois", m) for m in [*closed, now]]
    found += [Periode("trimestre", m) for m in (now - relativedelta(months=3), now)]
    found += [Periode("12mois", m) for m in (now - relativedelta(months=1), now)]
    return found


def perimetres(history):
    a, b, c = history["places"]
    return [
        Perimetre(mds=(a,)),
        Perimetre(mds=(c,)),
        Perimetre(mds=(a, b, c), departement=True),
        Perimetre(mds=(a, c)),
        Perimetre(mds=(a, b), mediateur=history["staff"][a.pk]),
    ]


def figures(periode, perimetre):
    """Every figure a dashboard shows, with its Python type (an int is not a float)."""
    chiffres, tableaux = selectors.tableau_de_bord(periode, perimetre)
    return repr(
        [
            [(c.cle, c.valeur, type(c.valeur), c.precedent, type(c.precedent)) for c in chiffres],
            [dataclasses.asdict(t) for t in tableaux],
        ]
    )


def compare_everything(history):
    checked = 0
    for periode in periodes():
        for perimetre in perimetres(history):
            stored = figures(periode, perimetre)
            with agregats.en_direct():
                live = figures(periode, perimetre)
            assert stored == live, (periode, perimetre.libelle)
            checked += 1
    return checked


def late_corrections(history):
    """Corrections, a cancellation, an act moved into the current month and a late entry, all in
    closed months (3 to 6 months back)."""
    staff, acts = history["staff"], history["acts"]
    old = [acc for acc in acts[16:] if acc.date < mois_courant() - relativedelta(months=3)][:3]
    corriger_accompagnement(accompagnement=old[0], by=staff[old[0].mds_id], duree_minutes=5)
    annuler_accompagnement(accompagnement=old[1], by=staff[old[1].mds_id])
    corriger_accompagnement(accompagnement=old[2], by=staff[old[2].mds_id], date=mois_courant())
    person = history["people"][0]
    log(person.mds, staff[person.mds_id], usager=person, date=mois_courant() - relativedelta(months=6), duree=30)
    rafraichir()


def test_every_dashboard_figure_is_the_same_from_the_stores_and_live(history):
    expected = len(periodes()) * len(perimetres(history))
    assert compare_everything(history) == expected  # computes and stores the closed periods
    assert AgregatMois.objects.exists()
    stored = FigureFenetre.objects.count()
    assert stored and FigureFenetre.objects.filter(cle__startswith="secret:").exists()
    assert all(fenetres.close(Periode(f.type, f.debut)) for f in FigureFenetre.objects.all())
    assert not FigureFenetre.objects.filter(fin__gt=mois_courant()).exists()  # the current month stays live
    assert compare_everything(history) == expected  # reads what the first pass stored

    # Late corrections of closed months: the rollup follows, the stored periods they change are dropped.
    late_corrections(history)
    assert FigureFenetre.objects.count() < stored
    assert compare_everything(history) == expected

    # A visitor record corrected (profile): the stored secrecy decisions of their periods are dropped.
    decided = FigureFenetre.objects.filter(cle__startswith="secret:").order_by("debut").first()
    seen = ResumeActivite.objects.filter(courante=True, usager_id__isnull=False, date__gte=decided.debut,
                                         date__lt=decided.fin).values_list("usager_id", flat=True).first()  # fmt: skip
    person = next(p for p in history["people"] if p.pk == seen)
    person.genre = "masculin" if person.genre != "masculin" else "feminin"
    person.save()
    assert fenetres.suivre_fiches() > 0
    assert compare_everything(history) == expected


def test_the_dashboard_reads_the_stores(history):
    """Not a live-vs-live comparison: a stored figure changed by hand shows on the dashboard."""
    a = history["places"][0]
    periode, perimetre = Periode("mois", mois_courant() - relativedelta(months=1)), Perimetre(mds=(a,))
    selectors.tableau_de_bord(periode, perimetre)
    FigureFenetre.objects.filter(cle="nb_usagers", type="mois", debut=periode.debut, perimetre=f"mds:{a.pk}").update(
        contenu=999
    )
    rows = AgregatMois.objects.filter(dimension="source", mois=periode.debut, mds_id=a.pk)
    rows.update(valeur=1000)
    values = {c.cle: c.valeur for c in selectors.tableau_de_bord(periode, perimetre)[0]}
    assert values["nb_usagers"] == 999
    assert values["nb_accompagnements"] == 1000 * rows.count()


def test_closed_periods_are_prepared_ahead(history):
    assert preparation.preparer() > 0
    assert preparation.preparer() == 0  # everything already there
    assert not FigureFenetre.objects.filter(fin__gt=mois_courant()).exists()


def test_the_rollup_kept_incrementally_equals_a_rebuild(history):
    late_corrections(history)  # a few groups recomputed one by one (the fixture's load: all at once)
    before = sorted(AgregatMois.objects.values_list("mds_id", "mois", "dimension", "categorie", "valeur"))
    agregats.reconstruire()
    assert sorted(AgregatMois.objects.values_list("mds_id", "mois", "dimension", "categorie", "valeur")) == before


def _closed(rows, date_of):
    """Rows dated 3 to 6 months back (closed months, inside the stored 12-month periods)."""
    low, high = mois_courant() - relativedelta(months=6), mois_courant() - relativedelta(months=3)
    return [r for r in rows if low <= date_of(r) < high]


def test_late_desk_changes_drop_the_stored_desk_figures_they_affect(history):
    """An appointment's issue marked late, a passage added to a closed month, a wait corrected, a
    reminder's delivery report, a séance cancelled, a walk-in participant, a motif renamed: each is
    noted by the database (whatever wrote it) and the next refresh drops the stored desk figures of
    the periods containing its month; the dashboards then equal the live queries again."""
    from accueil.models import Passage, RendezVous
    from ateliers.models import ParticipantAnonyme, Seance
    from notifications.models import Message

    expected = len(periodes()) * len(perimetres(history))
    compare_everything(history)
    desk = FigureFenetre.objects.filter(cle__startswith=fenetres.ACCUEIL)
    a_traiter = ModificationTardive.objects.filter(traitee=False)
    assert desk.exists() and not a_traiter.exists()

    def local_day(moment):
        return moment.astimezone(PARIS).date()

    rdv = _closed(history["rdvs"], lambda r: local_day(r.debut))[0]
    passage = _closed(history["passages"], lambda p: p.jour)[0]
    seance = _closed(history["seances"], lambda s: local_day(s.debut))[0]
    changes = [
        lambda: RendezVous.objects.filter(pk=rdv.pk).update(statut="absent" if rdv.statut != "absent" else "honore"),
        lambda: Passage.objects.create(
            mds=passage.mds,
            source="borne",
            jour=passage.jour,
            numero=900,
            arrivee_le=passage.arrivee_le,
            statut="en_charge",
            attente_secondes=4000,
        ),
        lambda: Passage.objects.filter(pk=passage.pk).update(attente_secondes=7200),
        lambda: Message.objects.filter(object_id=rdv.pk).update(status="envoye", delivery="non_livre"),
        lambda: Seance.objects.filter(pk=seance.pk).update(statut="annulee"),
        lambda: ParticipantAnonyme.objects.create(
            mds=seance.mds, seance=seance, tranche_age="non_communique", deja_accompagne=False, nombre=3
        ),
        lambda: type(rdv.motif).objects.filter(pk=rdv.motif_id).update(libelle="Motif renommé"),
        lambda: Passage.objects.filter(pk=passage.pk).delete(),  # e.g. the retention purge
    ]
    for change in changes:
        stored = desk.count()
        change()
        assert a_traiter.exists()
        rafraichir()
        assert not a_traiter.exists()
        assert desk.count() < stored
        assert compare_everything(history) == expected  # recomputed, and equal to live


def test_desk_work_of_the_current_month_notes_nothing(history):
    """Everyday desk work (rows of the current month) leaves the stored periods alone: no note."""
    from accueil.models import Passage, RendezVous

    compare_everything(history)
    notes = ModificationTardive.objects.count()
    today = mois_courant() + dt.timedelta(days=2)
    a = history["places"][0]
    Passage.objects.create(mds=a, source="borne", jour=today, numero=901, arrivee_le=_at(today, 9), statut="en_attente")
    RendezVous.objects.filter(debut__gte=_at(mois_courant(), 0)).update(statut="honore")
    assert ModificationTardive.objects.count() == notes


def test_a_null_key_figure_is_stored_too(history, django_assert_num_queries):
    """A key figure of a closed month may be None (no wait recorded): stored as such and read back in
    one query, not recomputed at every view."""
    month = Periode("mois", mois_courant() - relativedelta(months=2))
    perimetre = Perimetre(mds=(history["places"][0],))
    assert fenetres.nombre("accueil:essai", month, perimetre, lambda: None) is None
    with django_assert_num_queries(1):
        assert fenetres.nombre("accueil:essai", month, perimetre, lambda: 1 / 0) is None


def _masquees(decided):
    from pilotage import masques

    return {cle: masques.cases_masquees(d) for cle, d in decided.items()}


def _mois_avec_profils(history):
    """A closed month where MDS A accompanied 30 more people (14 women, 13 men, 3 undisclosed): its
    genre table publishes cells of 11 and more and hides others. Returns (month, key, a published
    non-zero inner cell)."""
    from pilotage.models import MasquePublie

    a = history["places"][0]
    periode = Periode("mois", mois_courant() - relativedelta(months=2))
    for k, genre in enumerate(["feminin"] * 14 + ["masculin"] * 13 + ["non_communique"] * 3):
        person = UsagerFactory(mds=a, genre=genre, tranche_age=AGES[k % 3])
        log(a, history["staff"][a.pk], usager=person, date=periode.debut + dt.timedelta(days=k % 25), duree=30)
    rafraichir()
    decided = fenetres.decisions(periode)
    d = decided["profil_genre"]
    row = d.mds_ids.index(a.pk)
    published = [
        c for b, c in enumerate(d.codes) if not d.table.etendue[row][b].masquee and d.table.etendue[row][b].valeur
    ]
    assert published and _masquees(decided)["profil_genre"] and not d.table.retenue
    assert MasquePublie.objects.filter(type="mois", debut=periode.debut, cle="profil_genre").exists()
    return periode, "profil_genre", (a.pk, published[0])


def test_a_cell_hidden_by_one_version_stays_hidden_in_the_next(history):
    """Two versions of a period (a report produced before and after a late correction, a dashboard
    read before and after): a cell the first one hid is hidden by the second too, even when the new
    counts would publish it — so the two can never be differenced."""
    from core.models import MDS
    from pilotage.models import MasquePublie

    periode, cle, (mds_id, code) = _mois_avec_profils(history)
    first = _masquees(fenetres.decisions(periode))
    # An earlier version hid this cell (published here): recorded as such, then the period's stored
    # decisions are dropped by a late correction.
    MasquePublie.objects.create(type="mois", debut=periode.debut, cle=cle, mds_id=mds_id, categorie=code)
    FigureFenetre.objects.filter(cle__startswith="secret:").delete()
    second = _masquees(fenetres.decisions(periode))
    assert (mds_id, code) in second[cle]
    assert all(first[k] <= second[k] for k in first)  # hides more, never less
    table = selectors.tableau(cle, periode, Perimetre(mds=(MDS.objects.get(pk=mds_id),)))
    label = dict(ATTRIBUTS[cle][1])[code]
    shown = {row[0]: row[1] for row in table.rangees()}
    assert shown[label] in ("< 11", "s")


def test_a_late_profile_correction_never_unhides_a_cell(history):
    """A visitor's record corrected after a month was published: the month is decided again on the
    new counts, and every cell hidden before is still hidden."""
    periode, cle, _ = _mois_avec_profils(history)
    before = _masquees(fenetres.decisions(periode))
    seen = ResumeActivite.objects.filter(courante=True, usager_id__isnull=False, date__gte=periode.debut,
                                         date__lt=periode.fin).values_list("usager_id", flat=True)  # fmt: skip
    for person in [p for p in history["people"] if p.pk in set(seen)][:3]:
        person.genre = "non_communique"
        person.tranche_age = "soixante_soixante_neuf"
        person.save()
    assert fenetres.suivre_fiches() > 0
    after = _masquees(fenetres.decisions(periode))
    assert all(before[k] <= after[k] for k in before)
