"""Writes of a scoring run: frozen indicators, runs computed from frozen inputs, their check
by recomputation, and the choice of the final run (docs/award.md "Runs, frozen inputs and the
audit")."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q

from lindung.award import indicators, scoring
from lindung.award.audit import AwardAudit
from lindung.award.inputs import collect_inputs
from lindung.award.models import (
    Criterion,
    CriterionKind,
    CriterionScore,
    Edition,
    EntryStatus,
    IndicatorValue,
    Result,
    ScoringRun,
    StageKind,
)
from lindung.award.services import AwardError, refuse, require_stage
from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import Job
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability

# A job's progress reporter (``core.jobs.runtime.Progress``): ``progress(percent, step)``.
Progress = Callable[[float, str], None]


def _start(
    *, actor: Any, edition: Edition, kind: str, work: str, label: str, request_id: str
) -> Job:
    """Queue one of the edition's long writes for the worker, refused before a job exists when
    the actor may not manage awards or the results are published (the work checks both again).
    One job of each kind per edition at a time."""
    require_capability(actor, Capability.MANAGE_AWARD)
    if edition.published:
        raise refuse("hasil sudah diumumkan", "the results are published")
    try:
        return jobs.submit(
            actor=actor,
            kind=kind,
            target=str(edition.pk),
            label=label,
            work=work,
            arguments={"edition": edition.pk},
            region_code=edition.region_id,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise AwardError(str(exc)) from exc


def start_freeze(*, actor: Any, edition: Edition, request_id: str = "") -> Job:
    """Queue ``freeze_indicators`` (every indicator of every entry: minutes on a province) for
    the worker; the page answers at once and the job's page shows its progress."""
    return _start(
        actor=actor,
        edition=edition,
        kind="award.freeze",
        work="lindung.award.jobs.freeze",
        label=bilingual(f"Pembekuan indikator {edition.name}", f"Indicator freeze {edition.name}"),
        request_id=request_id,
    )


def start_compute(*, actor: Any, edition: Edition, request_id: str = "") -> Job:
    """Queue ``compute_run`` for the worker; the job's result opens the new run's page."""
    return _start(
        actor=actor,
        edition=edition,
        kind="award.compute",
        work="lindung.award.jobs.compute",
        label=bilingual(f"Perhitungan nilai {edition.name}", f"Scoring run {edition.name}"),
        request_id=request_id,
    )


def freeze_indicators(*, actor: Any, edition: Edition, progress: Progress | None = None) -> int:
    """Compute every automatic indicator of every entry as of the cut-off date and store it;
    refused once results are published. Returns the number of values written. ``progress``
    (a job's reporter) hears of each entry; nothing is written until every value is computed."""
    require_capability(actor, Capability.MANAGE_AWARD)
    if edition.published:
        raise refuse("hasil sudah diumumkan", "the results are published")
    ctx = indicators.Context(edition.region_id, edition.cutoff_date)
    rows = []
    entries = list(edition.entries.exclude(status=EntryStatus.WITHDRAWN).select_related("category"))
    criteria = (
        Criterion.objects.filter(category__edition=edition)
        .filter(
            Q(kind=CriterionKind.INDICATOR)
            | Q(kind=CriterionKind.QUESTIONNAIRE, indicator__in=indicators.REGISTER_ITEMS)
        )
        .exclude(indicator="")
    )
    by_category: dict[int, list[Criterion]] = {}
    for criterion in criteria:
        by_category.setdefault(criterion.category_id, []).append(criterion)
    for done, entry in enumerate(entries):
        if progress is not None:
            progress(90 * done / len(entries), entry.name)
        for criterion in by_category.get(entry.category_id, []):
            value, details = indicators.compute(ctx, criterion.indicator, entry)
            if value is None and criterion.kind == CriterionKind.QUESTIONNAIRE:
                continue  # no register data on the cut-off day: the answer counts
            rows.append(
                IndicatorValue(
                    entry=entry,
                    criterion=criterion,
                    value=value,
                    details=details,
                    as_of=edition.cutoff_date,
                )
            )
    with transaction.atomic(durable=True):
        IndicatorValue.objects.filter(entry__edition=edition).delete()
        IndicatorValue.objects.bulk_create(rows, batch_size=1000)
        record_audit(
            actor=actor,
            action=AwardAudit.INDICATORS_FREEZE,
            target=edition,
            region_code=edition.region_id,
            after={"values": len(rows), "as_of": edition.cutoff_date},
        )
    return len(rows)


def compute_run(*, actor: Any, edition: Edition, progress: Progress | None = None) -> ScoringRun:
    """Snapshot every input (frozen indicators, verified answers, jury means), score, rank and
    test the ranking's sensitivity; store it all as a new numbered run."""
    require_capability(actor, Capability.MANAGE_AWARD)
    if edition.published:
        raise refuse("hasil sudah diumumkan", "the results are published")
    if progress is not None:
        progress(5, bilingual("membaca masukan", "reading the inputs"))
    inputs, sources = collect_inputs(edition)
    if progress is not None:
        progress(40, bilingual("menghitung peringkat", "ranking the entries"))
    computed = scoring.compute(inputs)
    if progress is not None:
        progress(80, bilingual("menyimpan hasil", "saving the results"))
    with transaction.atomic(durable=True):
        Edition.objects.select_for_update().get(pk=edition.pk)  # one numbering at a time
        number = (edition.runs.aggregate(n=Max("number"))["n"] or 0) + 1
        run = ScoringRun.objects.create(
            edition=edition,
            number=number,
            formula_version=scoring.FORMULA_VERSION,
            inputs=inputs,
            inputs_sha256=scoring.inputs_hash(inputs),
            sensitivity={
                str(cid): {"stable": scoring.stable(r), "changes": r.sensitivity}
                for cid, r in computed.items()
            },
            computed_by=acting_user(actor),
        )
        _store_results(run, computed, sources)
        record_audit(
            actor=actor,
            action=AwardAudit.RUN_COMPUTE,
            target=edition,
            region_code=edition.region_id,
            after={"run": number, "inputs_sha256": run.inputs_sha256},
        )
    return run


def _store_results(
    run: ScoringRun, computed: dict[int, scoring.CategoryResult], sources: dict[tuple, Any]
) -> None:
    weight: dict[int, Decimal] = {}
    raw: dict[tuple[int, int], str | None] = {}
    for category in run.inputs["categories"]:
        for c in category["criteria"]:
            weight[int(c["id"])] = Decimal(c["weight"])
        for e in category["entries"]:
            for cid, value in e["values"].items():
                raw[(int(e["id"]), int(cid))] = value
    for category_id, result in computed.items():
        for s in result.scores:
            row = Result.objects.create(
                run=run,
                entry_id=s.entry_id,
                category_id=category_id,
                total=s.total,
                indicator_score=s.subtotals["indicator"],
                questionnaire_score=s.subtotals["questionnaire"],
                jury_score=s.subtotals["jury"],
                rank=s.rank,
            )
            CriterionScore.objects.bulk_create(
                CriterionScore(
                    result=row,
                    criterion_id=cid,
                    raw=raw[(s.entry_id, cid)],
                    normalised=s.normalised[cid],
                    weight=weight[cid],
                    points=s.points[cid],
                    source=sources.get((s.entry_id, cid), {}),
                )
                for cid in s.points
            )


def recompute(run: ScoringRun) -> dict[int, list[tuple[int, int]]]:
    """The ranking the formula gives from the run's stored inputs, per category."""
    if scoring.inputs_hash(run.inputs) != run.inputs_sha256:
        raise refuse("masukan beku telah berubah", "the frozen inputs were altered")
    return {cid: r.ranking() for cid, r in scoring.compute(run.inputs).items()}


def stored_ranking(run: ScoringRun) -> dict[int, list[tuple[int, int]]]:
    out: dict[int, list[tuple[int, int]]] = {}
    for category_id, entry_id, rank in run.results.order_by(
        "category_id", "rank", "entry_id"
    ).values_list("category_id", "entry_id", "rank"):
        out.setdefault(category_id, []).append((entry_id, rank))
    return out


def verify_run(run: ScoringRun) -> bool:
    """Recomputing from the frozen inputs gives the stored ranking (False, too, when the
    inputs no longer match their hash)."""
    try:
        recomputed = recompute(run)
    except AwardError:
        return False
    again = {c: sorted(r, key=lambda x: (x[1], x[0])) for c, r in recomputed.items()}
    stored = {c: sorted(r, key=lambda x: (x[1], x[0])) for c, r in stored_ranking(run).items()}
    return again == stored


def finalise(*, actor: Any, run: ScoringRun) -> ScoringRun:
    """Choose the run whose ranking is published (during the jury-decision stage)."""
    require_capability(actor, Capability.MANAGE_AWARD)
    edition = run.edition
    require_stage(edition, StageKind.JURY_DECISION)
    with transaction.atomic(durable=True):
        edition.runs.filter(final=True).update(final=False)
        run.final = True
        run.save(update_fields=["final"])
        record_audit(
            actor=actor,
            action=AwardAudit.RUN_FINAL,
            target=edition,
            region_code=edition.region_id,
            after={"run": run.number, "inputs_sha256": run.inputs_sha256},
        )
    return run
