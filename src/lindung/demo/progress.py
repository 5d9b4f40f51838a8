"""How ``lindung demo`` talks while it builds: one line per step (its name, what it made, the
wall and CPU time it took) and, for the long steps, a progress bar (``rich.progress``) on a
terminal or a plain line at least every few seconds elsewhere (a log file, a pipe, CI), so a
build never looks hung. Everything goes to stderr: stdout stays one JSON object with
``--format json``.

``Reporter`` is the silent base (tests, benchmarks, callers that want no output);
``ConsoleReporter`` writes to a stream. A step reports through ``advance`` (done of a total,
e.g. persons written) and ``phase`` (what it is doing now, e.g. "checks").
"""

from __future__ import annotations

import threading
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, TextIO

from lindung.core.numbers import decimal_text, number_text


@dataclass(frozen=True)
class StepTime:
    """A finished step: its name, what it made (one line of text), wall and CPU seconds (user
    + system of this process: with other programs busy on the machine the wall time grows, the
    CPU time much less)."""

    name: str
    made: str
    wall: float
    cpu: float


def seconds_text(value: float) -> str:
    """``0,4 s``, ``52,3 s``, ``3 min 05 s`` (Indonesian decimals)."""
    if value < 100:
        return f"{decimal_text(value, 1)} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest:02d} s"


class Reporter:
    """Collects the steps' timings and says nothing; ``ConsoleReporter`` talks."""

    def __init__(self) -> None:
        self.steps: list[StepTime] = []
        self._name = ""
        self._wall = self._cpu = 0.0

    # -- the build calls these ------------------------------------------------------------------
    def start(self, name: str, index: int, count: int) -> None:
        self._name, self._index, self._count = name, index, count
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def advance(self, done: int, total: int | None, unit: str = "") -> None:
        """``done`` of ``total`` (``None``: unknown) ``unit`` so far in the current step."""

    def phase(self, text: str) -> None:
        """What the current step is doing now (shown beside its name)."""

    def finish(self, made: str) -> StepTime:
        step = StepTime(
            self._name, made, time.perf_counter() - self._wall, time.process_time() - self._cpu
        )
        self.steps.append(step)
        return step

    def __enter__(self) -> Reporter:
        self._started = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    # -- totals --------------------------------------------------------------------------------
    def total(self) -> tuple[float, float]:
        """Wall and CPU seconds since the reporter was entered (0 when it never was)."""
        started = getattr(self, "_started", None)
        if started is None:
            return 0.0, 0.0
        return time.perf_counter() - started[0], time.process_time() - started[1]


def step_line(step: StepTime, index: int, count: int) -> str:
    """``[ 5/15] registry  1.090.665 persons, … — 52,3 s (CPU 50,1 s)``."""
    width = len(str(count))
    return (
        f"[{index:>{width}}/{count}] {step.name:<15} {step.made} — {seconds_text(step.wall)} "
        f"(CPU {seconds_text(step.cpu)})"
    )


class ConsoleReporter(Reporter):
    """Step lines on ``stream``; live bars when it is a terminal (``live``), else a plain line
    whenever ``every`` seconds passed without one (written from a background thread, so a step
    that reports nothing itself — a long SQL statement — still shows it is running)."""

    def __init__(self, stream: TextIO, *, live: bool | None = None, every: float = 5.0) -> None:
        super().__init__()
        self.stream, self.every = stream, every
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty()) if live is None else live
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_line = time.monotonic()
        self._state: dict[str, Any] = {}
        self._bar: Any = None
        self._task: Any = None

    # -- plain lines ---------------------------------------------------------------------------
    def _write(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()
            self._last_line = time.monotonic()

    def _heartbeat(self) -> None:
        while not self._stop.wait(min(1.0, self.every)):
            if not self._name or time.monotonic() - self._last_line < self.every:
                continue
            self._write(self._status_line())

    def _status_line(self) -> str:
        state = self._state
        parts = [f"  … {self._name}"]
        if state.get("phase"):
            parts.append(f"({state['phase']})")
        if state.get("done") is not None:
            of = f" / {number_text(state['total'])}" if state.get("total") else ""
            parts.append(f"{number_text(state['done'])}{of} {state.get('unit', '')}".rstrip())
        parts.append(seconds_text(time.perf_counter() - self._wall))
        return " ".join(parts)

    # -- the reporter interface ----------------------------------------------------------------
    def __enter__(self) -> ConsoleReporter:
        super().__enter__()
        if self.live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.__enter__()
        else:
            self._thread = threading.Thread(target=self._heartbeat, name="demo-progress")
            self._thread.daemon = True
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        wall, cpu = self.total()
        if wall and exc[0] is None:
            self._write(f"Demo: {seconds_text(wall)} (CPU {seconds_text(cpu)})")

    def start(self, name: str, index: int, count: int) -> None:
        super().start(name, index, count)
        self._state = {}
        if self._bar is not None:
            self._task = self._bar.add_task(f"[{index}/{count}] {name}", total=None)
        self._last_line = time.monotonic()

    def advance(self, done: int, total: int | None, unit: str = "") -> None:
        self._state.update(done=done, total=total, unit=unit)
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=done, total=total)

    def phase(self, text: str) -> None:
        self._state["phase"] = text
        if self._bar is not None and self._task is not None:
            description = f"[{self._index}/{self._count}] {self._name}: {text}"
            self._bar.update(self._task, description=description)

    def finish(self, made: str) -> StepTime:
        step = super().finish(made)
        line = step_line(step, self._index, self._count)
        if self._bar is not None:
            self._bar.remove_task(self._task)
            self._task = None
            self._bar.console.print(line, highlight=False, markup=False)
        else:
            self._write(line)
        self._name = ""
        return step


def reporting(reporter: Reporter | None) -> AbstractContextManager[Reporter]:
    """``reporter`` or a silent one, ready to be entered."""
    return reporter if reporter is not None else Reporter()
