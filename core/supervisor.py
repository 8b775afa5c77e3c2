"""A small process supervisor for `make run` (scripts/run_dev.py) and the outage tests.

Each program is restarted when it exits, after a delay that doubles while it keeps crashing soon
after starting (1 s, 2 s, 4 s … up to ``max_backoff``) and goes back to the minimum once it has
stayed up ``stable_after`` seconds. ``stop()`` (Ctrl-C, SIGTERM) ends them all: SIGTERM, then
SIGKILL for whatever is still there after ``grace`` seconds. In production the same job is done by
docker-compose's restart policies (or systemd).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Program:
    name: str
    argv: list[str]
    env: dict | None = None
    cwd: str | None = None
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    restarts: int = 0
    backoff: float = 0.0
    restart_at: float | None = None
    pids: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(self, programs, *, min_backoff=1.0, max_backoff=30.0, stable_after=30.0, grace=15.0, log=None):
        self.programs = {p.name: p for p in programs}
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.stable_after = stable_after
        self.grace = grace
        self.log = log or (lambda message: print(message, file=sys.stderr, flush=True))
        self._stopping = threading.Event()
        self._lock = threading.Lock()

    # --- lifecycle -------------------------------------------------------------------------------
    def start(self) -> None:
        for program in self.programs.values():
            self._spawn(program)

    def _spawn(self, program: Program) -> None:
        # A session of its own: Ctrl-C reaches the supervisor only, which then stops everyone in order.
        program.process = subprocess.Popen(program.argv, env=program.env, cwd=program.cwd, start_new_session=True)
        program.pids.append(program.process.pid)
        program.started_at = time.monotonic()
        program.restart_at = None

    def poll(self) -> None:
        """One supervision pass: notice exits, restart what is due."""
        now = time.monotonic()
        with self._lock:
            if self._stopping.is_set():
                return
            for program in self.programs.values():
                if program.restart_at is not None:
                    if now >= program.restart_at:
                        program.restarts += 1
                        self.log(f"[supervision] redémarrage de {program.name} (n° {program.restarts})")
                        self._spawn(program)
                    continue
                code = program.process.poll() if program.process else None
                if code is None:
                    continue
                uptime = now - program.started_at
                if uptime >= self.stable_after:
                    program.backoff = self.min_backoff
                else:
                    program.backoff = min(self.max_backoff, max(self.min_backoff, program.backoff * 2))
                program.restart_at = now + program.backoff
                self.log(
                    f"[supervision] {program.name} s'est arrêté (code {code}) après {uptime:.0f} s : "
                    f"redémarrage dans {program.backoff:.0f} s"
                )

    def run(self, interval: float = 0.5) -> None:
        """Supervise until stop() (from a signal handler or another thread)."""
        while not self._stopping.is_set():
            self.poll()
            self._stopping.wait(interval)

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            running = [p.process for p in self.programs.values() if p.process and p.process.poll() is None]
            for process in running:
                process.terminate()
        deadline = time.monotonic() + self.grace
        for process in running:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def request_stop(self, *_args) -> None:
        """Signal-handler friendly: ends run(); call stop() afterwards."""
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()
