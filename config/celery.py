"""The Celery app. Production is the default settings module (the image and docker-compose run
workers and beat without setting it); `make run` and the tests set DJANGO_SETTINGS_MODULE themselves."""

import logging
import os
import socket

from celery import Celery, bootsteps
from celery.signals import task_success

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("mds")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("mds.worker")


class WorkerHeartbeatStep(bootsteps.StartStopStep):
    """Every ``MDS_WORKER_HEARTBEAT_SECONDS`` the worker writes ``worker:<hostname>`` in
    ``core.WorkerHeartbeat``, from its own timer (not through the broker): /healthz/ready reads it.
    A database outage only skips beats; the worker keeps running and retries on the next one."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, worker, **kwargs):
        super().__init__(worker, **kwargs)
        self.tref = None
        self.failing = False

    def start(self, worker):
        from django.conf import settings

        self.name = f"worker:{worker.hostname or socket.gethostname()}"[:80]
        self.beat()
        self.tref = worker.timer.call_repeatedly(getattr(settings, "MDS_WORKER_HEARTBEAT_SECONDS", 30), self.beat)

    def stop(self, worker):
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    def beat(self):
        from django.db import close_old_connections
        from django.db.utils import DatabaseError, InterfaceError

        from core.periodic import record_signal

        try:
            close_old_connections()
            record_signal(self.name)
        except (DatabaseError, InterfaceError):
            if not self.failing:
                logger.warning("worker : base de données injoignable, signal de vie non écrit")
            self.failing = True
            from django.db import connection

            connection.close()
            return
        if self.failing:
            logger.warning("worker : base de données de nouveau joignable")
        self.failing = False


app.steps["worker"].add(WorkerHeartbeatStep)


@task_success.connect
def _remember_periodic_jobs(sender=None, **kwargs):
    """A crontab job that finished is "done" for the catch-up of missed schedules (core.periodic)."""
    from django.db.utils import DatabaseError, InterfaceError

    from core.periodic import record_done

    try:
        record_done(sender.name)
    except (DatabaseError, InterfaceError):
        logger.warning("worker : fin de %s non enregistrée (base injoignable)", sender.name)
