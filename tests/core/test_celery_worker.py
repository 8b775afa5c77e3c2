"""A real Celery worker (separate process) against the real Redis and PostgreSQL."""

import pytest

from core.models import WorkerHeartbeat
from core.periodic import declared_tasks, sync
from core.tasks import heartbeat

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_real_worker_runs_a_task_that_writes_to_the_database(celery_worker_process, wait_for):
    heartbeat.delay(name="test-integration")
    row = wait_for(lambda: WorkerHeartbeat.objects.filter(name="test-integration").first(), timeout=30)
    assert row.runs == 1
    heartbeat.delay(name="test-integration")
    assert wait_for(lambda: WorkerHeartbeat.objects.get(name="test-integration").runs == 2, timeout=30)


def test_periodic_tasks_are_synced_from_code():
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every_hour = IntervalSchedule.objects.create(every=3600, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="obsolete", task="core.tasks.nothing", interval=every_hour)
    count, removed = sync()
    names = set(PeriodicTask.objects.values_list("name", flat=True))
    assert {t["name"] for t in declared_tasks()} <= names
    assert "obsolete" not in names and removed == 1 and count == len(declared_tasks())
    sync()  # idempotent
    assert PeriodicTask.objects.filter(name="core.heartbeat").count() == 1
