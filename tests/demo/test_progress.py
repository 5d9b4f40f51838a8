"""How ``lindung demo`` talks while it builds (``demo.progress``) and the step list that
``build_demo`` runs (``demo.services``): no database, no registry."""

from __future__ import annotations

import io
import time
from pathlib import Path

from lindung.core.loading import LoadResult
from lindung.demo.progress import ConsoleReporter, Reporter, seconds_text
from lindung.demo.services import STEPS, Step, build_demo, loader, made_text


class Stream(io.StringIO):
    """A stream that is no terminal (a log file, CI)."""

    def isatty(self) -> bool:
        return False


def test_silent_reporter_times_every_step_and_the_lines_say_what_was_made() -> None:
    calls: list[tuple[str, int]] = []

    def first(c):
        calls.append(("first", c.seed))
        return {"one": LoadResult(source="x", sha256="", created=1_234, unchanged=5)}

    def second(c):
        calls.append(("second", c.seed))
        c.made = "two things"
        return {}

    reporter = Reporter()
    results = build_demo(
        Path("."), scale="small", seed=3, reporter=reporter,
        steps=(Step("first", first), Step("second", second)),
    )  # fmt: skip
    assert calls == [("first", 3), ("second", 3)]
    assert list(results) == ["one"]
    assert [(s.name, s.made) for s in reporter.steps] == [
        ("first", "created 1.234, unchanged 5"),
        ("second", "two things"),
    ]
    assert all(s.wall >= 0 and s.cpu >= 0 for s in reporter.steps)


def test_a_loader_is_one_line_and_gets_scale_seed_and_actor() -> None:
    seen = {}

    def ensure_things(*, scale: str, seed: int, actor) -> LoadResult:
        seen.update(scale=scale, seed=seed, actor=actor)
        return LoadResult(source="things", sha256="", created=7)

    results = build_demo(
        Path("."), scale="small", seed=9, actor="someone",
        steps=(loader("things", ensure_things),),
    )  # fmt: skip
    assert seen == {"scale": "small", "seed": 9, "actor": "someone"}
    assert results["things"].created == 7


def test_the_demo_steps_have_distinct_names_and_end_with_the_award() -> None:
    names = [s.name for s in STEPS]
    assert len(set(names)) == len(names)
    assert names[0] == "reference data" and names[-1] == "award"
    # The facts come after everything that writes memberships, the award after the facts.
    for writer in ("registry", "programmes", "public workers", "compliance"):
        assert names.index(writer) < names.index("coverage facts") < names.index("award")


def test_plain_lines_keep_coming_while_a_step_is_silent() -> None:
    """No terminal: a step that reports nothing itself still shows a line every ``every``
    seconds, with its phase and progress; the step's own line closes it."""
    out = Stream()
    with ConsoleReporter(out, every=0.2) as reporter:
        reporter.start("registry", 5, 14)
        reporter.phase("indexes")
        reporter.advance(20_000, 1_090_665, "persons")
        time.sleep(1.3)
        reporter.finish("1.090.665 persons")
    lines = out.getvalue().splitlines()
    waiting = [line for line in lines if line.startswith("  … registry")]
    assert len(waiting) >= 3, lines
    assert "(indexes) 20.000 / 1.090.665 persons" in waiting[0]
    done = [line for line in lines if line.startswith("[ 5/14] registry")]
    assert len(done) == 1 and "1.090.665 persons — " in done[0] and "(CPU " in done[0]
    assert lines[-1].startswith("Demo: ")  # the whole build's time last
    # Nothing more once the step ended.
    assert lines.index(done[0]) == len(lines) - 2


def test_a_terminal_gets_bars_and_still_one_line_per_step() -> None:
    out = io.StringIO()
    with ConsoleReporter(out, live=True) as reporter:
        reporter.start("coverage facts", 13, 14)
        reporter.advance(10, 60, "months")
        reporter.finish("60 months")
    assert "[13/14] coverage facts" in out.getvalue()
    assert "60 months — " in out.getvalue()


def test_times_read_indonesian_style() -> None:
    assert seconds_text(52.34) == "52,3 s"
    assert seconds_text(185) == "3 min 05 s"
    assert made_text({}) == "nothing to do"
