"""Retention of desk records (domain brief §8, appointment records 2 years): appointments, passages
and atelier registrations older than RENDEZ_VOUS_RETENTION_MONTHS lose what ties them to a person,
stay for the statistics, and leave the reports of their months alone."""

import io

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.utils import timezone

from accueil import tasks as accueil_tasks
from accueil.models import Passage, RendezVous
from ateliers import tasks as ateliers_tasks
from ateliers.models import Inscription
from core.dates import PARIS
from core.periodic import declared_tasks
from core.roles import Role
from pilotage import perimes, rapports
from pilotage.models import FigureFenetre, ModificationTardive
from tests.accueil.factories import MotifFactory, at
from tests.ateliers.factories import SeanceFactory
from tests.usagers.factories import UsagerFactory
from usagers.rights import export_usager

pytestmark = pytest.mark.django_db


def _desk(mds, usager, day, numero):
    motif = MotifFactory(mds=mds)
    rdv = RendezVous.objects.create(
        mds=mds, usager=usager, prenom_ou_initiales="Samia", telephone="+33612345678", motif=motif,
        debut=at(day, 10), fin=at(day, 10, 30), canal="borne", statut="honore",
    )  # fmt: skip
    passage = Passage.objects.create(
        mds=mds, usager=usager, prenom_ou_initiales="Samia", reorientation="CCAS", source="borne", jour=day,
        numero=numero, arrivee_le=at(day, 9, 50), statut="reoriente", attente_secondes=300,
    )  # fmt: skip
    seance = SeanceFactory(atelier__mds=mds, debut=at(day, 14), statut="tenue")
    inscription = Inscription.objects.create(mds=mds, seance=seance, usager=usager, presence="present")
    kiosk = Inscription.objects.create(mds=mds, seance=seance, prenom_ou_initiales="Karim")
    return rdv, passage, inscription, kiosk


@pytest.fixture
def two_years(mds_a):
    """A visitor still coming (contact last month), seen 25 months ago and 23 months ago."""
    today = timezone.now().astimezone(PARIS).date()
    person = UsagerFactory(mds=mds_a, last_contact_at=timezone.now() - relativedelta(months=1))
    old = _desk(mds_a, person, today - relativedelta(months=25), 1)
    kept = _desk(mds_a, person, today - relativedelta(months=23), 2)
    return person, old, kept


def _personal(rdv, passage, inscription, kiosk):
    for row in (rdv, passage, inscription, kiosk):
        row.refresh_from_db()
    return (
        rdv.usager_id, rdv.prenom_ou_initiales, rdv.telephone,
        passage.usager_id, passage.prenom_ou_initiales, passage.reorientation,
        inscription.usager_id, kiosk.prenom_ou_initiales,
    )  # fmt: skip


def test_desk_records_older_than_two_years_lose_the_person_only(two_years, make_user):
    person, old, kept = two_years
    counted = [(r.statut, r.canal, r.motif_id) for r in RendezVous.objects.order_by("pk")]
    assert accueil_tasks.retention() == {"rendez_vous": 1, "passages": 1}
    assert ateliers_tasks.retention() == 2
    assert _personal(*old) == (None, "", "", None, "", "", None, "")
    assert _personal(*kept) == (person.pk, "Samia", "+33612345678", person.pk, "Samia", "CCAS", person.pk, "Karim")
    # The rows stay, with what the statistics count.
    assert [(r.statut, r.canal, r.motif_id) for r in RendezVous.objects.order_by("pk")] == counted
    assert old[1].statut == "reoriente" and old[1].attente_secondes == 300 and old[3].presence == ""
    assert old[2].presence == "present"
    # The visitor's own history (right of access) no longer holds the old desk rows.
    exported = str(export_usager(usager=person, user=make_user(Role.DIRECTEUR)))
    assert exported.count("+33612345678") == 1
    # Idempotent.
    assert accueil_tasks.retention() == {"rendez_vous": 0, "passages": 0}
    assert ateliers_tasks.retention() == 0


def test_the_setting_moves_the_limit(two_years, settings):
    person, old, kept = two_years
    settings.RENDEZ_VOUS_RETENTION_MONTHS = 22
    assert accueil_tasks.retention() == {"rendez_vous": 2, "passages": 2}
    assert ateliers_tasks.retention() == 4


def test_retention_leaves_the_reports_and_stored_figures_of_its_months_alone(two_years, mds_a):
    """The retention blanks columns no figure counts: the pilotage triggers note nothing, the report
    of that month is not stale, and its figures recomputed from the anonymous rows are the same. A
    change that counts (a status) in the same month is still noted."""
    person, (rdv, *_), kept = two_years
    mois = rdv.debut.astimezone(PARIS).date().replace(day=1)
    call_command("rapport_mensuel", "--mois", f"{mois:%Y-%m}", "--sans-email", stdout=io.StringIO())
    before = rapports.empreinte(rapports.calculer(mois, mds_a)[0])
    notes, stored = ModificationTardive.objects.count(), FigureFenetre.objects.count()
    assert stored and perimes.rapports_touches() == set()
    accueil_tasks.retention()
    ateliers_tasks.retention()
    assert ModificationTardive.objects.count() == notes and FigureFenetre.objects.count() == stored
    assert perimes.rapports_touches() == set()
    FigureFenetre.objects.all().delete()  # recomputed from the anonymous rows
    assert rapports.empreinte(rapports.calculer(mois, mds_a)[0]) == before
    RendezVous.objects.filter(pk=rdv.pk).update(statut="absent")
    assert ModificationTardive.objects.count() > notes
    assert perimes.rapports_touches()


def test_desk_retention_runs_every_night():
    """Declared where the beat reads them (caught up at its next start if it was down at 3 h)."""
    jobs = {job["task"]: job for job in declared_tasks()}
    for task in ("accueil.tasks.retention", "ateliers.tasks.retention"):
        assert jobs[task]["crontab"]["hour"] == "3", task
