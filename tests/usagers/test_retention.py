from collections import Counter

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from tests.usagers.factories import UsagerFactory
from usagers import services, tasks
from usagers.enums import OperationJournal
from usagers.models import AccesJournal, Usager

pytestmark = pytest.mark.django_db


def stats():
    """Non-personal totals as a monthly report reads them: counts per band and MDS."""
    rows = Usager.objects.values_list("mds_id", "genre", "tranche_age", "statut_social", "internet_domicile")
    return Counter(rows)


def test_23_months_kept_25_months_anonymized(mds_a, mds_b):
    now = timezone.now()
    kept = UsagerFactory(mds=mds_a, last_contact_at=now - relativedelta(months=23), genre="feminin")
    old = UsagerFactory(mds=mds_a, last_contact_at=now - relativedelta(months=25), genre="masculin")
    old_b = UsagerFactory(mds=mds_b, last_contact_at=now - relativedelta(months=30))
    with time_machine.travel(now - relativedelta(months=26)):
        never_contacted = UsagerFactory(mds=mds_b)
    with time_machine.travel(now - relativedelta(months=22)):
        recent_never_contacted = UsagerFactory(mds=mds_b)
    before = stats()
    assert services.apply_retention() == 3
    for usager in (kept, recent_never_contacted):
        usager.refresh_from_db()
        assert usager.anonymise_le is None and usager.nom
    for usager in (old, old_b, never_contacted):
        usager.refresh_from_db()
        assert usager.anonymise_le is not None and usager.nom == "" and usager.prenom == ""
    assert stats() == before
    counts = {e.mds_id: e.nombre for e in AccesJournal.objects.filter(operation=OperationJournal.RETENTION)}
    assert counts == {mds_a.pk: 1, mds_b.pk: 2}
    assert not AccesJournal.objects.filter(operation=OperationJournal.ANONYMISATION).exists()
    # Idempotent.
    assert services.apply_retention() == 0
    assert AccesJournal.objects.filter(operation=OperationJournal.RETENTION).count() == 2


def test_time_travel_two_years_after_last_contact(mds_a):
    start = timezone.now()
    usager = UsagerFactory(mds=mds_a)
    services.record_contact(usager_id=usager.pk, when=start)
    with time_machine.travel(start + relativedelta(months=23)):
        assert services.apply_retention() == 0
    with time_machine.travel(start + relativedelta(months=24, days=1)):
        assert services.apply_retention() == 1
    usager.refresh_from_db()
    assert usager.anonymise_le is not None


def test_setting_changes_the_period(mds_a, settings):
    settings.USAGERS_RETENTION_MONTHS = 6
    UsagerFactory(mds=mds_a, last_contact_at=timezone.now() - relativedelta(months=7))
    UsagerFactory(mds=mds_a, last_contact_at=timezone.now() - relativedelta(months=5))
    assert services.apply_retention() == 1


def test_record_contact_moves_forward_only(mds_a):
    usager = UsagerFactory(mds=mds_a)
    now = timezone.now()
    services.record_contact(usager_id=usager.pk, when=now)
    services.record_contact(usager_id=usager.pk, when=now - relativedelta(days=3))
    usager.refresh_from_db()
    assert usager.last_contact_at == now


def test_task_runs_both_purges(mds_a, mediateur):
    from usagers.journal import log_access

    usager = UsagerFactory(mds=mds_a, last_contact_at=timezone.now() - relativedelta(months=25))
    with time_machine.travel(timezone.now() - relativedelta(months=13)):
        log_access(user=mediateur, mds=mds_a, operation="consultation", usager=usager)
    assert tasks.retention() == {"anonymises": 1, "journal_purge": 1}
    assert tasks.retention() == {"anonymises": 0, "journal_purge": 0}
    assert {"usagers.retention"} <= {t["name"] for t in tasks.PERIODIC_TASKS}


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_task_through_a_real_worker(celery_worker_process, wait_for, mds_a):
    usager = UsagerFactory(mds=mds_a, last_contact_at=timezone.now() - relativedelta(months=25))
    tasks.retention.delay()
    wait_for(lambda: Usager.objects.filter(pk=usager.pk, anonymise_le__isnull=False).exists(), timeout=60)
    assert wait_for(lambda: AccesJournal.objects.filter(operation=OperationJournal.RETENTION).first()).nombre == 1
