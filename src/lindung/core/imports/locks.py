"""One process at a time per import job, and a lock that dies with its process.

A job's counters are added chunk by chunk, so two processes running one job would count its
file twice. Whoever runs a job holds its lock; a second import of the same file finds the job
busy and is refused (``ImportBusy``, naming the job). The lock is released when the holder
ends, however it ends: a killed process leaves its job resumable, not locked.

* PostgreSQL: a session advisory lock, ``pg_try_advisory_lock(LOCK_CLASS, job id)``, on the
  running thread's connection. Finding or creating the job is serialised per file with a
  transaction advisory lock, so two imports started at the same moment cannot both take a new
  job or both miss a running one.
* SQLite (one host): ``flock`` on a file per job (and database) in the uploads folder's
  ``.locks``; the kernel drops it with the process. Finding or creating the job is serialised
  with a blocking ``flock`` per file. An in-memory database (tests) exists in one process
  only: its locks are that process's own, without files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connection, transaction

from lindung.core.imports.storage import upload_folder
from lindung.core.storage import database_key

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock between processes
    fcntl = None  # type: ignore[assignment]

# The first key of the two-key advisory locks ("LIMP"); the second is the job's id.
LOCK_CLASS = 0x4C494D50


def lock_folder() -> Path:
    folder = upload_folder() / ".locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _lock_file(kind: str, name: object) -> Path:
    return lock_folder() / f"{kind}-{database_key()}-{name}.lock"


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def _in_memory() -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    return connection.vendor == "sqlite" and ("memory" in name or not name)


# In-memory databases: one lock per name, for this process only.
_PROCESS_LOCKS: dict[str, threading.Lock] = {}
_PROCESS_LOCKS_GUARD = threading.Lock()


def _process_lock(kind: str, name: object) -> threading.Lock:
    key = f"{kind}-{database_key()}-{name}"
    with _PROCESS_LOCKS_GUARD:
        return _PROCESS_LOCKS.setdefault(key, threading.Lock())


class JobLock:
    """The lock of one job: ``acquire()`` never waits (False: someone else runs the job)."""

    def __init__(self, job_id: int) -> None:
        self.job_id = int(job_id)
        self.held = False
        self._fd: int | None = None
        self._thread_lock: threading.Lock | None = None

    def acquire(self) -> bool:
        if self.held:
            return True
        if _in_memory():
            lock = _process_lock("job", self.job_id)
            if not lock.acquire(blocking=False):
                return False
            self._thread_lock, self.held = lock, True
            return True
        if _postgresql():
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CLASS, self.job_id % 2**31]
                )
                self.held = bool(cur.fetchone()[0])
            return self.held
        if fcntl is None:  # pragma: no cover
            self.held = True
            return True
        fd = os.open(_lock_file("job", self.job_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd, self.held = fd, True
        return True

    def release(self) -> None:
        if not self.held:
            return
        self.held = False
        if self._thread_lock is not None:
            lock, self._thread_lock = self._thread_lock, None
            lock.release()
            return
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing drops the flock
            return
        if _postgresql():
            try:
                with connection.cursor() as cur:
                    cur.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, self.job_id % 2**31]
                    )
            except DatabaseError:  # a broken session has lost its locks anyway
                pass


def is_busy(job_id: int) -> bool:
    """Whether another process (or thread) is running this job now."""
    lock = JobLock(job_id)
    if lock.acquire():
        lock.release()
        return False
    return True


@contextmanager
def serialised(*key: object) -> Iterator[None]:
    """One caller at a time for ``key`` (kind, file hash, actor): finding or creating a job."""
    digest = hashlib.sha256("|".join(map(str, key)).encode()).digest()
    if _postgresql():
        with transaction.atomic():
            with connection.cursor() as cur:
                number = int.from_bytes(digest[:8], "big", signed=True)
                cur.execute("SELECT pg_advisory_xact_lock(%s)", [number])
            yield
        return
    if _in_memory():
        with _process_lock("start", digest.hex()[:32]):
            yield
        return
    if fcntl is None:  # pragma: no cover
        yield
        return
    fd = os.open(_lock_file("start", digest.hex()[:32]), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.utime(fd)  # in use: the purge leaves it
        yield
    finally:
        os.close(fd)


def purge_lock_files(finished: set[int], now: dt.datetime) -> None:
    """Delete this database's lock files (SQLite) of jobs finished a while ago and its start
    locks unused for a day; each is taken first, so a file someone holds stays."""
    if fcntl is None or _in_memory() or _postgresql():
        return
    ours = database_key()
    day_ago = (now - dt.timedelta(days=1)).timestamp()
    for path in lock_folder().glob(f"*-{ours}-*.lock"):
        kind, _, name = path.name[: -len(".lock")].split("-", 2)
        if kind == "job":
            if not (name.isdigit() and int(name) in finished):
                continue
        elif path.stat().st_mtime >= day_ago:
            continue
        try:
            fd = os.open(path, os.O_RDWR)
        except FileNotFoundError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        path.unlink(missing_ok=True)
        os.close(fd)
