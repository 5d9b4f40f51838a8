"""The deterministic Lampung demo: reference data, one account per role
(``demo.accounts``), and the synthetic registry (employers, persons, membership histories;
``demo.synthetic``), then programmes, sponsors, registration requests, the register of public
workers (``demo.public_workers``), compliance cases and the Paritrana Award round
(``demo.award``).

``STEPS`` is the build, in order: each step gets the build's ``Context`` and returns its
results (the keys of ``lindung demo --format json``); the reporter (``demo.progress``) times and
announces each one. A loader with the signature ``(*, scale, seed, actor) -> LoadResult`` is one
more line: ``loader("name", function)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lindung.compliance.models import Case
from lindung.contributions.services import load_rate_tables
from lindung.core.audit import record_audit
from lindung.core.loading import LoadResult
from lindung.core.numbers import number_text
from lindung.core.scope import SYSTEM
from lindung.coverage.services import fact_months, load_coverage_reference
from lindung.coverage.services import refresh as refresh_coverage
from lindung.demo.accounts import (
    DEMO_EMPLOYER,
    DEMO_PASSWORD,
    DemoAccount,
    demo_accounts,
    ensure_demo_accounts,
    link_demo_employer,
)
from lindung.demo.audit import DemoAudit
from lindung.demo.award import demo_edition, ensure_demo_award
from lindung.demo.compliance import ensure_demo_compliance
from lindung.demo.denominators import ensure_demo_denominators
from lindung.demo.plan import Plan, make_plan
from lindung.demo.populations import write_populations
from lindung.demo.programmes import ensure_demo_programmes
from lindung.demo.progress import Reporter
from lindung.demo.provinces import extend_to
from lindung.demo.public_workers import ensure_demo_public_workers
from lindung.demo.registrations import ensure_demo_registrations
from lindung.demo.social_registry import build_social_registry
from lindung.demo.sponsorship import ensure_demo_sponsorship
from lindung.demo.synthetic import DEFAULT_SEED, build_registry, last_build, registry_counts
from lindung.programmes.models import Candidate, Programme
from lindung.publicworkers.models import PublicWorker
from lindung.regions import services as regions
from lindung.registrations.models import Registration
from lindung.sponsorship.models import Sponsor

# The accounts moved to demo.accounts; tests/accounts still import them from here.
__all__ = [
    "DEMO_EMPLOYER",
    "DEMO_PASSWORD",
    "STEPS",
    "Context",
    "DemoAccount",
    "Step",
    "build_demo",
    "demo_accounts",
    "ensure_demo_accounts",
    "link_demo_employer",
    "loader",
]


@dataclass
class Context:
    """What the steps share: the build's options, the results so far and the reporter."""

    data_dir: Path
    scale: str
    seed: int
    rebuild: bool
    actor: Any
    reporter: Reporter
    results: dict[str, LoadResult] = field(default_factory=dict)
    plan: Plan | None = None
    provinces: int = 1  # Lampung-sized provinces: Lampung and provinces - 1 copies (issue 23)
    made: str = ""  # a step's own one-line account of what it made (default: its results' counts)


Results = dict[str, LoadResult]


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Context], Results]


def loader(name: str, function: Callable[..., LoadResult]) -> Step:
    """A step calling ``function(scale=, seed=, actor=)``; its result is filed under ``name``."""
    return Step(name, lambda c: {name: function(scale=c.scale, seed=c.seed, actor=c.actor)})


def made_text(results: Results) -> str:
    """``created 1.234, updated 5, unchanged 91.599`` over a step's results (zeros left out)."""
    totals = {"created": 0, "updated": 0, "unchanged": 0, "rejected": 0}
    for r in results.values():
        totals["created"] += r.created
        totals["updated"] += r.updated
        totals["unchanged"] += r.unchanged
        totals["rejected"] += len(r.rejected)
    shown = [f"{k} {number_text(v)}" for k, v in totals.items() if v]
    return ", ".join(shown) or "nothing to do"


def build_demo(
    data_dir: Path,
    *,
    scale: str = "full",
    seed: int = DEFAULT_SEED,
    rebuild: bool = False,
    actor: Any = SYSTEM,
    reporter: Reporter | None = None,
    steps: tuple[Step, ...] | None = None,
    provinces: int = 1,
) -> dict[str, LoadResult]:
    """Run ``steps`` (``STEPS``): reference data, demo accounts, demo populations, the
    synthetic registry and everything built on it, in that order.

    Every step is idempotent; the registry is reused when the same scale and seed are built
    already (``rebuild`` forces a new build). ``reporter`` hears each step start, progress and
    finish (``demo.progress``; silent by default).
    """
    steps = STEPS if steps is None else steps
    ctx = Context(data_dir, scale, seed, rebuild, actor, reporter or Reporter())
    ctx.provinces = provinces
    for index, step in enumerate(steps, start=1):
        ctx.reporter.start(step.name, index, len(steps))
        ctx.made = ""
        results = step.run(ctx)
        ctx.results.update(results)
        ctx.reporter.finish(ctx.made or made_text(results))
    return ctx.results


# --- the steps ---------------------------------------------------------------------------------


def _reference(c: Context) -> Results:
    return regions.load_reference_data(c.data_dir, actor=c.actor)


def _rate_tables(c: Context) -> Results:
    return load_rate_tables(actor=c.actor)


def _accounts(c: Context) -> Results:
    created = ensure_demo_accounts(actor=c.actor)
    c.made = f"{number_text(len(created))} created, {number_text(len(demo_accounts()))} in all"
    return {}


def _populations(c: Context) -> Results:
    c.plan = make_plan(c.scale, c.data_dir / "lampung_labour.csv")
    return {"populations": write_populations(c.plan)}


def _registry(c: Context) -> Results:
    assert c.plan is not None, "the populations step makes the plan"

    def progress(done: int, total: int) -> None:
        c.reporter.advance(done, total, "persons")

    result = build_registry(
        c.plan, seed=c.seed, actor=c.actor, rebuild=c.rebuild, progress=progress
    )
    link_demo_employer(actor=c.actor)
    x = result.extra
    c.made = (
        f"{number_text(x.get('persons', 0))} persons, "
        f"{number_text(x.get('memberships', 0))} memberships, "
        f"{number_text(x.get('employers', 0))} employers" + (" (reused)" if x.get("reused") else "")
    )
    return {"registry": result}


def _candidates(c: Context) -> Results:
    created = build_social_registry(SOCIAL_REGISTRY[c.scale], seed=c.seed)
    return {
        "candidates": LoadResult(
            source=f"synthetic social registry ({c.scale})",
            sha256="",
            created=created,
            unchanged=0 if created else Candidate.objects.count(),
        )
    }


def _programmes(c: Context) -> Results:
    created = ensure_demo_programmes(
        scale=c.scale, seed=c.seed, actor=c.actor, phase=c.reporter.phase
    )
    result = LoadResult(
        source="demo programmes", sha256="", created=created,
        # CSR pledges are carried by programmes too; they are the sponsorship step's.
        unchanged=Programme.objects.exclude(funder__kind__in=("csr", "individual")).count()
        - created,
    )  # fmt: skip
    if created:
        # Enrolments added members: the reuse marker must know the counts they leave.
        record_audit(
            actor=c.actor,
            action=DemoAudit.BUILD_PROGRAMMES,
            object_repr=f"demo {c.scale}",
            after={
                **(build := last_build() or {}),
                "rows": registry_counts(),
                "built_rows": build.get("built_rows", build.get("rows")),
            },
        )
    return {"programmes": result}


def _sponsorship(c: Context) -> Results:
    created = ensure_demo_sponsorship(actor=c.actor)
    return {
        "sponsorship": LoadResult(
            source="demo CSR sponsors",
            sha256="",
            created=created,
            unchanged=Sponsor.objects.count() - created,
        )
    }


def _registrations(c: Context) -> Results:
    created = ensure_demo_registrations(scale=c.scale, seed=c.seed)
    return {
        "registrations": LoadResult(
            source="demo registration requests",
            sha256="",
            created=created,
            unchanged=Registration.objects.count() - created,
        )
    }


def _public_workers(c: Context) -> Results:
    # After the registry and the requests: the covered workers' memberships start in 2024, so
    # neither the calibrated 2023 figures nor the compliance day (2023) see them.
    register = ensure_demo_public_workers(scale=c.scale, seed=c.seed, actor=c.actor)
    return {
        "public_workers": LoadResult(
            source="demo public-sector and village workers",
            sha256="",
            created=register.created,
            unchanged=PublicWorker.objects.count() - register.created,
            extra={
                "bodies": register.bodies,
                "persons": register.persons,
                "memberships": register.memberships,
            },
        )
    }


def _compliance(c: Context) -> Results:
    done = ensure_demo_compliance(actor=c.actor, as_of=COMPLIANCE_AS_OF, phase=c.reporter.phase)
    return {
        "compliance": LoadResult(
            source="demo compliance cases",
            sha256="",
            created=done["cases"],
            unchanged=Case.objects.count() - done["cases"],
            extra=done,
        )
    }


def _coverage_reference(c: Context) -> Results:
    return {"coverage": load_coverage_reference(c.data_dir / "lampung_labour.csv", actor=c.actor)}


def _provinces(c: Context) -> Results:
    def progress(done: int, total: int) -> None:
        c.reporter.advance(done, total, "provinces")

    result = extend_to(c.provinces, progress=progress)
    c.made = f"{number_text(c.provinces)} provinces, {number_text(result.created)} rows copied"
    return {"provinces": result}


def _coverage_refresh(c: Context) -> Results:
    # A new registry or new provinces make every fact stale; a reused registry keeps its facts
    # (only missing months are computed).
    force = not c.results["registry"].extra.get("reused") or bool(
        (provinces := c.results.get("provinces")) and provinces.created
    )
    total = len(fact_months()) if force else None  # otherwise: the stale months, unknown here
    done = [0]

    def progress(_month: dt.date) -> None:
        done[0] += 1
        c.reporter.advance(done[0], total, "months")

    refreshed = refresh_coverage(force=force, actor=c.actor, progress=progress)
    c.made = (
        f"{number_text(len(refreshed))} months, "
        f"{number_text(sum(m.fact_rows for m in refreshed))} fact rows"
    )
    return {}


def _award(c: Context) -> Results:
    # After the facts: the award's indicators read coverage at the edition's cut-off.
    created = ensure_demo_award(actor=c.actor)
    edition = demo_edition()
    return {
        "award": LoadResult(
            source="demo Paritrana Award",
            sha256="",
            created=created,
            unchanged=(edition.entries.count() if edition else 0) - created,
        )
    }


STEPS: tuple[Step, ...] = (
    Step("reference data", _reference),
    Step("rate tables", _rate_tables),
    Step("accounts", _accounts),
    Step("populations", _populations),
    Step("registry", _registry),
    Step("candidates", _candidates),
    Step("programmes", _programmes),
    Step("sponsorship", _sponsorship),
    Step("registrations", _registrations),
    Step("public workers", _public_workers),
    Step("compliance", _compliance),
    Step("coverage data", _coverage_reference),
    # District and village figures (synthetic, labelled so): the denominators below the regency.
    loader("denominators", ensure_demo_denominators),
    # --scale N: N - 1 copies of Lampung's registry in other provinces, before the facts.
    Step("provinces", _provinces),
    Step("coverage facts", _coverage_refresh),
    Step("award", _award),
)

# The demo's compliance day: its coverage reference day, whose reported wages the synthetic
# registry draws against that year's UMP (a few percent below it on purpose). Later days would
# compare 2023 wages with the 2025 UMK and flag nearly every employer.
COMPLIANCE_AS_OF = dt.date(2023, 12, 31)

# Candidates of the synthetic social registry (issue 6: "about 400,000"); 1 % at small scale.
SOCIAL_REGISTRY = {"full": 400_000, "small": 4_000}
