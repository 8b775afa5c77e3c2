"""Celery beat scheduler that survives PostgreSQL outages and catches up on missed schedules.

Why beat used to die during a PostgreSQL outage: django-celery-beat's ``DatabaseScheduler``
re-reads the ``PeriodicTask`` table at least every 5 minutes (and whenever the schedule changed).
Its ``schedule`` property catches database errors in ``schedule_changed()`` and ``sync()``, but not
in ``all_as_schedule()``: the first full re-read during an outage raises ``OperationalError`` out of
``Scheduler.tick()`` and out of beat's main loop, so the process exits (and a beat started while the
database is down dies at once for the same reason).

``ResilientScheduler`` keeps the schedule it last read when the database does not answer, logs a
warning, and tries again on the next tick. It also:

- writes a "beat" tick record (``core.WorkerHeartbeat``) every ``MDS_BEAT_TICK_RECORD_SECONDS`` so
  ``/healthz/ready`` can tell a dead or wedged beat from a live one;
- does not count a run whose message never reached the broker (Redis down at the due time): the
  entry is left due and sent again at the next tick, instead of being skipped until next time;
- at start-up, sends once every crontab job (monthly reports, retention purges) whose due time
  passed while beat was down (``core.periodic.missed_jobs``). django-celery-beat alone would not:
  it only loads crontab entries whose hour is within two hours of the current hour.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time

from celery.schedules import crontab
from django.conf import settings
from django.db import close_old_connections, connections
from django.db.utils import DatabaseError, InterfaceError
from django_celery_beat.schedulers import SCHEDULE_SYNC_MAX_INTERVAL, DatabaseScheduler

from . import periodic

logger = logging.getLogger("mds.beat")
DB_ERRORS = (DatabaseError, InterfaceError)


def _drop_broken_connections() -> None:
    for connection in connections.all(initialized_only=True):
        with contextlib.suppress(Exception):  # the connection is already dead
            connection.close()


class ResilientScheduler(DatabaseScheduler):
    _caught_up = False
    _last_tick_record = 0.0
    _database_down = False
    _failed_during_outage: frozenset = frozenset()

    @property
    def full_sync_seconds(self) -> float:
        return getattr(settings, "MDS_BEAT_FULL_SYNC_SECONDS", SCHEDULE_SYNC_MAX_INTERVAL)

    @property
    def schedule(self):
        last = self._last_full_sync
        if last is not None and (datetime.datetime.now() - last).total_seconds() >= self.full_sync_seconds:
            # Ask the parent for a full re-read now (it otherwise waits 5 minutes).
            self._last_full_sync = last - datetime.timedelta(seconds=SCHEDULE_SYNC_MAX_INTERVAL)
        try:
            schedule = super().schedule
        except DB_ERRORS as error:
            self._on_database_error("lecture du planning", error)
            if self._schedule is None:
                self._initial_read = True  # never read yet: read again on the next tick
                return {}
            return self._schedule
        if self._database_down:
            logger.warning("beat : base de données de nouveau joignable")
            self._database_down = False
            self._failed_during_outage = frozenset()
        return schedule

    def _on_database_error(self, what: str, error: Exception) -> None:
        # Once per outage and per operation: the log says which reads and writes failed (the
        # schedule's re-read is the one that used to kill beat), without a line at every tick.
        if what not in self._failed_during_outage:
            logger.warning("beat : base de données injoignable (%s), nouvel essai au prochain tour", what)
            self._failed_during_outage = self._failed_during_outage | {what}
        self._database_down = True
        _drop_broken_connections()

    def tick(self, *args, **kwargs):
        if not self._caught_up:
            self._catch_up()
        interval = super().tick(*args, **kwargs)
        self._record_tick()
        if self._database_down or not self._caught_up:
            # Come back soon rather than sleeping max_interval on a schedule we could not read.
            interval = min(interval or 1.0, 1.0)
        return interval

    def apply_entry(self, entry, producer=None):
        """Send one due entry; if the broker refused it, leave it due instead of counting it."""
        try:
            self.apply_async(entry, producer=producer, advance=False)
        except Exception:
            logger.warning("beat : envoi de %s impossible (Redis ?), nouvel essai au prochain tour", entry.name)
            # reserve() advanced the row this entry shares with its successor: put the last run back
            # (saved by the next sync) and rebuild the heap, so the entry is due again.
            entry.model.last_run_at = entry.last_run_at
            entry.model.total_run_count = entry.total_run_count
            self._heap = None
            return
        logger.info("beat : tâche %s envoyée", entry.name)
        if isinstance(entry.schedule, crontab):  # the jobs the start-up catch-up looks after
            try:
                periodic.record_sent(entry.name)
            except DB_ERRORS as error:
                self._on_database_error("envoi noté", error)

    def _catch_up(self) -> None:
        try:
            missed = periodic.missed_jobs()
        except DB_ERRORS as error:
            self._on_database_error("rattrapage", error)
            return
        for job in missed:
            try:
                self.app.send_task(
                    job["task"], kwargs=job.get("kwargs", {}), headers={"periodic_task_name": job["name"]}
                )
            except Exception:
                logger.warning("beat : rattrapage de %s impossible (Redis ?), nouvel essai", job["name"])
                return
            logger.warning("beat : %s était dû pendant l'arrêt, lancé maintenant (rattrapage)", job["name"])
            try:
                periodic.record_sent(job["name"])
            except DB_ERRORS as error:
                self._on_database_error("rattrapage", error)
                return
        self._caught_up = True

    def _record_tick(self) -> None:
        every = getattr(settings, "MDS_BEAT_TICK_RECORD_SECONDS", 30)
        now = time.monotonic()
        if now - self._last_tick_record < every:
            return
        try:
            close_old_connections()
            periodic.record_signal("beat")
        except DB_ERRORS as error:
            self._on_database_error("signal de vie", error)
            return
        self._last_tick_record = now
