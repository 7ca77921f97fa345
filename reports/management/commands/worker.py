"""`manage.py worker [--max-tasks N] [--interval SECONDS]`: run background tasks for good.

It keeps one task runner going, django-tasks-db's `db_worker`, in a process of its own:
started with `--max-tasks`, the runner exits after that many tasks (WeasyPrint's memory grows
with each document and is only given back when its process ends) and this command starts a
fresh one; a runner that crashes is restarted after a pause that grows while it keeps
crashing. Meanwhile it notes a heartbeat in the database every few seconds, for /healthz.
TERM or Ctrl-C stop the runner (it finishes the task in hand) and then this command. Run as
many as the work needs, on any machine that reaches the database.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from argparse import ArgumentParser
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from reports.models import WorkerHeartbeat

HEARTBEAT_SECONDS = 5.0
STOP_TIMEOUT_SECONDS = 120.0  # a report renders in about a second; a stuck one is killed
MAX_CRASH_PAUSE_SECONDS = 30.0
# Heartbeats of workers killed without cleaning up are dropped after this long.
STALE_HEARTBEAT_SECONDS = 24 * 60 * 60


class Command(BaseCommand):
    help = (
        "Run the background tasks (rendering report documents) until stopped, replacing the "
        "task runner after --max-tasks tasks."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=settings.WORKER_MAX_TASKS,
            help="tasks a runner process runs before a fresh one replaces it "
            "(default WORKER_MAX_TASKS, %(default)s)",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at an empty queue (default %(default)s)",
        )

    def handle(self, *args: Any, max_tasks: int, interval: float, **options: Any) -> None:
        if max_tasks < 1 or interval < 0:
            raise CommandError("--max-tasks must be at least 1 and --interval at least 0.")
        self.stopping = threading.Event()
        self.runner: subprocess.Popen[bytes] | None = None
        self.verbosity = int(options["verbosity"])
        name = f"{socket.gethostname()}:{os.getpid()}"[:120]
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGTERM, self._stop)
        WorkerHeartbeat.objects.filter(
            beat_at__lt=timezone.now() - timedelta(seconds=STALE_HEARTBEAT_SECONDS)
        ).delete()
        heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
            name=name, defaults={"beat_at": timezone.now(), "restarts": 0}
        )
        crashes = 0
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                self.runner = self._start_runner(max_tasks, interval)
                code = self._supervise(heartbeat)
                if self.stopping.is_set():
                    break
                crashed = code != 0
                crashes = crashes + 1 if crashed else 0
                heartbeat.restarts += 1
                heartbeat.save(update_fields=["restarts"])
                if crashed:
                    # Quick successive crashes back off; one after a long run restarts at once.
                    pause = 0.0 if time.monotonic() - started > 60 else min(2.0**crashes, 30.0)
                    self._say(f"the task runner exited with status {code}; restarting", pause)
                    time.sleep(min(pause, MAX_CRASH_PAUSE_SECONDS))
                else:
                    self._say(f"the task runner ran its {max_tasks} tasks; starting a fresh one")
        finally:
            self._stop_runner()
            close_old_connections()
            WorkerHeartbeat.objects.filter(pk=heartbeat.pk).delete()

    def _start_runner(self, max_tasks: int, interval: float) -> subprocess.Popen[bytes]:
        command = [
            sys.executable,
            str(Path(settings.BASE_DIR) / "manage.py"),
            "db_worker",
            f"--max-tasks={max_tasks}",
            f"--interval={interval}",
            f"--worker-id={get_random_string(32)}",
            f"--verbosity={self.verbosity}",
            "--no-reload",
            "--no-startup-delay",
        ]
        # A session of its own: a Ctrl-C in the terminal reaches this command only, which then
        # stops the runner once (a second signal would make it abandon the task in hand).
        return subprocess.Popen(command, start_new_session=True)  # noqa: S603 - our own command

    def _supervise(self, heartbeat: WorkerHeartbeat) -> int:
        """Beat while the runner runs; its exit status once it exits."""
        runner = self.runner
        if runner is None:
            return 0
        while True:
            try:
                return runner.wait(timeout=HEARTBEAT_SECONDS)
            except subprocess.TimeoutExpired:
                pass
            if self.stopping.is_set():
                return self._stop_runner()
            try:
                close_old_connections()
                WorkerHeartbeat.objects.filter(pk=heartbeat.pk).update(beat_at=timezone.now())
            except DatabaseError as error:  # the database away a moment: beat next time
                self._say(f"could not note the heartbeat ({error})")

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        # Once: a second TERM would make the runner abandon the task in hand.
        if self.stopping.is_set():
            return
        self.stopping.set()
        if self.runner is not None and self.runner.poll() is None:
            self.runner.terminate()

    def _stop_runner(self) -> int:
        runner = self.runner
        if runner is None:
            return 0
        if runner.poll() is None:
            if not self.stopping.is_set():
                runner.terminate()
            try:
                return runner.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                runner.kill()
        return runner.wait()

    def _say(self, message: str, pause: float = 0.0) -> None:
        if self.verbosity:
            more = f" in {pause:g} s" if pause else ""
            self.stderr.write(f"worker: {message}{more}")
