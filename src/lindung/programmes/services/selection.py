"""Selection runs: run, approve (freeze), discard (issue 6 item 4). Writes only; reads are in
``selectors``. The public writes check MANAGE_PROGRAMMES and are durable transactions; the
``*_unchecked`` steps run inside another service's transaction (a sponsor's matching, the demo).
The selection page starts a run as a job of the worker (``start_selection``, work
``programmes.jobs.selection``); the demo builder calls ``run_selection`` directly.

A run writes one decision per candidate considered in one INSERT … SELECT
(``selection_sql``). Approving a run writes its beneficiaries' months into ``FundedMonth``;
the table's unique (NIK, month) index makes a second funder for the same person and month
impossible even when two approvals race: the later one fails as a whole and is asked to run
again, whose run then explains the person as "funded elsewhere".
"""

# ruff: noqa: S608 - SQL built from fixed fragments; every value is a parameter

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from lindung.core.audit import acting_user, record_audit
from lindung.core.i18n import bilingual
from lindung.core.jobs import services as jobs
from lindung.core.models import Job
from lindung.core.months import add_months
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability
from lindung.programmes.audit import ProgrammesAudit
from lindung.programmes.models import (
    Enrolment,
    EnrolmentStatus,
    FundedMonth,
    Programme,
    ProgrammeStatus,
    RunStatus,
    SelectionRun,
)
from lindung.programmes.selection_sql import (
    DECISION_COLUMNS,
    Rules,
    selection_select,
)
from lindung.programmes.services.links import link_candidates
from lindung.programmes.services.plans import ProgrammeError, move_unchecked

S = ProgrammeStatus
# A programme selects only once it is approved, and until its beneficiaries are enrolled.
SELECTABLE = (S.APPROVED, S.SELECTING)


def run_selection(*, actor: Any, programme: Programme) -> SelectionRun:
    """A new version of the beneficiary list, with a decision for every candidate."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return run_selection_unchecked(actor=actor, programme=programme)


def start_selection(*, actor: Any, programme: Programme, request_id: str = "") -> Job:
    """Queue ``run_selection`` for the worker (a province's registry takes a while): the page
    answers at once and the job's page shows its progress. One selection per programme at a
    time; a programme that may not select is refused here, before any job exists."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    _require_selectable(programme)
    try:
        return jobs.submit(
            actor=actor,
            kind="programmes.selection",
            target=str(programme.pk),
            label=bilingual(
                f"Seleksi penerima {programme.name}", f"Beneficiary selection {programme.name}"
            ),
            work="lindung.programmes.jobs.selection",
            arguments={"programme": programme.pk},
            region_code=programme.area_id,
            request_id=request_id,
        )
    except jobs.JobBusy as exc:
        raise ProgrammeError(str(exc)) from exc


def _require_selectable(programme: Programme) -> None:
    if programme.status not in SELECTABLE:
        raise ProgrammeError(
            bilingual(
                f"seleksi hanya untuk program yang disetujui (status: {programme.status})",
                f"selection needs an approved programme (status: {programme.status})",
            )
        )


def run_selection_unchecked(*, actor: Any, programme: Programme) -> SelectionRun:
    """``run_selection`` inside the caller's transaction."""
    started = time.perf_counter()
    with transaction.atomic():
        # Runs of one programme queue up here: versions stay gapless and unique.
        programme = (
            Programme.objects.select_for_update().select_related("funder").get(pk=programme.pk)
        )
        _require_selectable(programme)
        if programme.status == S.APPROVED:
            programme = move_unchecked(actor=actor, programme=programme, to=S.SELECTING)
        rules = Rules.of(programme)
        version = (programme.runs.aggregate(v=Max("version"))["v"] or 0) + 1
        run = SelectionRun.objects.create(
            programme=programme,
            version=version,
            rules=rules.as_json(),
            capacity=rules.capacity,
            created_by=acting_user(actor),
        )
        link_candidates()  # "already a participant" reads Candidate.person
        sql, params = selection_select(rules, run.pk, connection.vendor)
        # In key order: the primary-key index is appended to, not split page by page.
        insert = (
            f"INSERT INTO programmes_decision ({DECISION_COLUMNS}) "
            f"SELECT * FROM ({sql}) d ORDER BY candidate_id"
        )
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # One big statement: its sorts fit in memory; JIT compiling and parallel
                # workers (each building the same hash tables) cost more than they save
                # (bench/selection.py). The counts come back with the rows written.
                cursor.execute("SET LOCAL work_mem = '256MB'")
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                cursor.execute(
                    f"WITH written AS ({insert} RETURNING selected)"
                    " SELECT COUNT(*), COUNT(*) FILTER (WHERE selected) FROM written",
                    params,
                )
                run.considered, run.selected = cursor.fetchone()
            else:
                cursor.execute(insert, params)
                run.considered = cursor.rowcount
                run.selected = run.decisions.filter(selected=True).count()
        run.cost = run.selected * programme.funded_months * programme.monthly_premium
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["considered", "selected", "cost", "seconds"])
        record_audit(
            actor=actor, action=ProgrammesAudit.SELECTION_RUN, target=run,
            region_code=programme.area_id,
            after={"version": version, "considered": run.considered, "selected": run.selected,
                   "capacity": run.capacity, "cost": run.cost},
        )  # fmt: skip
    return run


def _funded_months_sql(run: SelectionRun) -> tuple[str, list[Any]]:
    """INSERT of (NIK, month) for every selected decision × funded month."""
    first = dt.date.fromisoformat(run.rules["first_month"])
    months = [add_months(first, i) for i in range(run.programme.funded_months)]
    values = " UNION ALL ".join("SELECT %s AS month" for _ in months)
    sql = (
        "INSERT INTO programmes_fundedmonth (nik, month, programme_id, run_id)"
        f" SELECT c.nik, mm.month, %s, %s FROM programmes_decision d"
        " JOIN programmes_candidate c ON c.id = d.candidate_id"
        f" CROSS JOIN ({values}) mm WHERE d.run_id = %s AND d.selected"
    )
    return sql, [run.programme_id, run.pk, *months, run.pk]


def approve_run(
    *, actor: Any, run: SelectionRun, replace: bool = False, reason: str = ""
) -> SelectionRun:
    """Freeze ``run`` as the programme's beneficiary list.

    An approved list is never overwritten silently: replacing it needs ``replace`` and a
    reason, and is refused once the branch has answered for any beneficiary.
    """
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        return approve_run_unchecked(actor=actor, run=run, replace=replace, reason=reason)


def approve_run_unchecked(
    *, actor: Any, run: SelectionRun, replace: bool = False, reason: str = ""
) -> SelectionRun:
    """``approve_run`` inside the caller's transaction (a sponsor's accepted matching)."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=run.programme_id)
        run = SelectionRun.objects.select_for_update().select_related("programme").get(pk=run.pk)
        if run.status != RunStatus.DRAFT:
            raise ProgrammeError(
                bilingual(
                    f"versi {run.version} tidak dapat disetujui (status: {run.status})",
                    f"version {run.version} cannot be approved (status: {run.status})",
                )
            )
        if programme.status != S.SELECTING:
            raise ProgrammeError(
                bilingual(
                    f"program tidak sedang menyeleksi (status: {programme.status})",
                    f"the programme is not selecting (status: {programme.status})",
                )
            )
        current = programme.runs.filter(status=RunStatus.APPROVED).first()
        if current is not None:
            _release(current, replace=replace, reason=reason)
        try:
            with transaction.atomic():
                sql, params = _funded_months_sql(run)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
        except IntegrityError:
            raise ProgrammeError(
                bilingual(
                    "sebagian penerima sudah didanai program lain untuk bulan yang sama sejak "
                    "seleksi ini dijalankan; jalankan seleksi lagi",
                    "some beneficiaries were funded by another programme for the same months "
                    "since this selection ran; run the selection again",
                )
            ) from None
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO programmes_enrolment (programme_id, run_id, candidate_id, nik,"
                " status, kpj, reason) SELECT %s, %s, c.id, c.nik, %s, '', ''"
                " FROM programmes_decision d JOIN programmes_candidate c ON c.id = d.candidate_id"
                " WHERE d.run_id = %s AND d.selected",
                [programme.pk, run.pk, EnrolmentStatus.PENDING, run.pk],
            )
        run.status, run.approved_at = RunStatus.APPROVED, timezone.now()
        run.approved_by = acting_user(actor)
        run.save(update_fields=["status", "approved_at", "approved_by"])
        record_audit(
            actor=actor, action=ProgrammesAudit.SELECTION_APPROVE, target=run,
            region_code=programme.area_id, reason=reason,
            before={"approved_version": current.version if current else None},
            after={"approved_version": run.version, "selected": run.selected, "cost": run.cost},
        )  # fmt: skip
    return run


def _release(current: SelectionRun, *, replace: bool, reason: str) -> None:
    """Supersede the approved list: its months and pending enrolments go with it."""
    if not replace or not reason.strip():
        raise ProgrammeError(
            bilingual(
                f"versi {current.version} sudah disetujui; menggantinya perlu konfirmasi dan "
                "alasan",
                f"version {current.version} is already approved; replacing it needs "
                "confirmation and a reason",
            )
        )
    answered = Enrolment.objects.filter(run=current).exclude(status=EnrolmentStatus.PENDING)
    if answered.exists():
        raise ProgrammeError(
            bilingual(
                "cabang BPJS sudah mengonfirmasi pendaftaran dari daftar ini; daftar tidak dapat "
                "diganti",
                "the BPJS branch has already confirmed enrolments from this list; it cannot be "
                "replaced",
            )
        )
    FundedMonth.objects.filter(run=current).delete()
    Enrolment.objects.filter(run=current).delete()
    current.status = RunStatus.SUPERSEDED
    current.save(update_fields=["status"])


def discard_run(*, actor: Any, run: SelectionRun, reason: str = "") -> SelectionRun:
    """Set a draft aside; its decisions stay readable for comparison."""
    require_capability(actor, Capability.MANAGE_PROGRAMMES)
    with transaction.atomic(durable=True):
        run = SelectionRun.objects.select_for_update().get(pk=run.pk)
        if run.status != RunStatus.DRAFT:
            raise ProgrammeError(
                bilingual(
                    f"hanya draf yang dapat dibuang (status: {run.status})",
                    f"only a draft can be discarded (status: {run.status})",
                )
            )
        run.status = RunStatus.DISCARDED
        run.save(update_fields=["status"])
        record_audit(
            actor=actor, action=ProgrammesAudit.SELECTION_DISCARD, target=run, reason=reason,
            region_code=run.programme.area_id,
        )  # fmt: skip
    return run
