"""``lindung worker``: the task library's database worker, plus what an unattended office system
needs beside it — a heartbeat (/healthz tells whether a worker is alive), giving back the jobs of
a worker that died, and firing the schedules."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Worker

from lindung.core.jobs import schedules
from lindung.core.jobs.services import recover_lost_jobs
from lindung.core.models import WorkerBeat

log = logging.getLogger(__name__)


def beat(worker_id: str) -> None:
    WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"hostname": socket.gethostname(), "pid": os.getpid(), "seen_at": timezone.now()},
    )


def housekeeping(worker_id: str) -> None:
    """One round beside the tasks: the heartbeat, lost jobs, due schedules, and the rounds of
    ``LINDUNG_WORKER_ROUNDS`` (the notifications' deliveries)."""
    beat(worker_id)
    recover_lost_jobs()
    schedules.run_due()
    for path in settings.LINDUNG_WORKER_ROUNDS:
        import_string(path)()


class Housekeeper(threading.Thread):
    """Runs ``housekeeping`` every ``LINDUNG_WORKER_BEAT`` seconds while tasks run on the main
    thread (a long import must not make the worker look dead)."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="lindung-housekeeper", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.LINDUNG_WORKER_BEAT):
                try:
                    housekeeping(self.worker_id)
                except Exception:  # a broken round must not stop the heartbeat for ever
                    log.exception("worker housekeeping failed")
        finally:
            connection.close()


def run_worker(*, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None) -> None:
    worker_id = f"{socket.gethostname()[:40]}-{uuid.uuid4().hex[:12]}"
    housekeeping(worker_id)  # before the first task: jobs a killed worker left are queued again
    keeper = Housekeeper(worker_id)
    keeper.start()
    worker = Worker(
        queue_names=["*"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    log.info("lindung worker %s started", worker_id)
    try:
        worker.configure_signals()
        worker.run()
    finally:
        keeper.stopped.set()
        WorkerBeat.objects.filter(worker_id=worker_id).delete()
