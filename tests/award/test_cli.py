"""``lindung award``: freeze, compute, verify and results with their JSON contract; verify exits
non-zero when a stored result or the frozen inputs were tampered with."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lindung.award.models import CriterionKind, IndicatorValue, Result, ScoringRun, StageKind
from lindung.award.services import score, submit_entry, verify_answer
from lindung.core.models import AuditLog
from tests.award.factories import answer_all, award_world, move_to
from tests.registry.factories import registry_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("rates"), pytest.mark.engine]


def award(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("award", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def edition(region_tree, users_by_role):
    """Two regencies answered and verified, one of them scored by the jury."""
    world: dict[str, Any] = {"users": users_by_role}
    world.update(registry_world(region_tree, users_by_role))
    world.update(award_world(region_tree, world))
    users, edition = world["users"], world["award_edition"]
    own, foreign = world["own_entry"], world["foreign_entry"]
    submit_entry(actor=users["regency_officer"], entry=own)
    answer_all(foreign, users["admin"], value=1)
    move_to(edition, StageKind.VERIFICATION)
    for entry in (own,):
        for answer in entry.answers.all():
            verify_answer(actor=users["award_verifier"], answer=answer, verdict="accepted")
    move_to(edition, StageKind.INTERVIEW)
    interview = own.category.criteria.get(kind=CriterionKind.JURY)
    score(actor=users["award_jury"], entry=own, criterion=interview, value=75)
    return edition


def test_freeze_compute_verify_results(edition) -> None:
    pk = str(edition.pk)
    frozen = award("freeze", "--edition", pk)
    assert frozen == {
        "edition": edition.pk,
        "values": IndicatorValue.objects.filter(entry__edition=edition).count(),
        "as_of": edition.cutoff_date.isoformat(),
    }
    assert frozen["values"] > 0
    assert AuditLog.objects.filter(action="award.indicators.freeze", actor=None).exists()

    run = award("compute", "--edition", pk)
    assert set(run) == {"edition", "run", "formula_version", "inputs_sha256", "results", "stable"}
    assert run["run"] == 1 and run["formula_version"] == "1" and len(run["inputs_sha256"]) == 64
    stored = ScoringRun.objects.get(edition=edition, number=1)
    assert run["results"] == stored.results.count() == edition.entries.count()
    assert stored.computed_by is None  # the system actor has no user row

    assert award("verify", "--edition", pk) == {
        "edition": edition.pk, "run": 1, "final": False,
        "inputs_sha256": run["inputs_sha256"], "same": True,
    }  # fmt: skip
    assert award("compute", "--edition", pk)["run"] == 2

    results = award("results", "--edition", pk)
    assert (results["run"], results["final"], results["stage"]) == (2, False, "interview")
    assert {c["kind"] for c in results["categories"]} == {"regency", "village", "business_large"}
    regency = next(c for c in results["categories"] if c["kind"] == "regency")
    rows = regency["results"]
    assert [r["rank"] for r in rows] == [1, 2]
    assert rows[0]["name"] == "Kota Bandar Lampung"  # verified answers and the jury's 75
    assert set(rows[0]) == {"rank", "entry", "name", "total", "indicator", "questionnaire", "jury"}
    assert float(rows[0]["total"]) > float(rows[1]["total"]) and float(rows[0]["jury"]) > 0
    assert award("results", "--edition", pk, "--run", "1")["run"] == 1

    table = io.StringIO()
    call_command("award", "results", "--edition", pk, stdout=table)
    assert "Kota Bandar Lampung" in table.getvalue() and "#2" in table.getvalue()


def test_verify_exits_non_zero_when_tampered(edition) -> None:
    pk = str(edition.pk)
    award("freeze", "--edition", pk)
    award("compute", "--edition", pk)
    run = ScoringRun.objects.get(edition=edition, number=1)
    first = run.results.get(rank=1, category__kind="regency")
    Result.objects.filter(pk=first.pk).update(rank=2)
    out = io.StringIO()
    with pytest.raises(CommandError, match="does not match") as raised:
        call_command("award", "verify", "--edition", pk, "--format", "json", stdout=out)
    assert raised.value.returncode == 1
    assert json.loads(out.getvalue())["same"] is False

    Result.objects.filter(pk=first.pk).update(rank=1)
    assert award("verify", "--edition", pk)["same"] is True
    run.inputs["categories"][0]["entries"][0]["values"] = {}
    run.save(update_fields=["inputs"])
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("award", "verify", "--edition", pk, "--run", "1", "--format", "json",
                     stdout=out)  # fmt: skip
    assert raised.value.returncode == 1
    data = json.loads(out.getvalue())
    assert data["same"] is False and "altered" in data["error"]


def test_errors_are_bilingual(db, edition) -> None:
    with pytest.raises(CommandError, match="edisi tidak dikenal: 99999 / unknown edition: 99999"):
        award("freeze", "--edition", "99999")
    with pytest.raises(CommandError, match="--edition wajib diisi / --edition is required"):
        award("compute")
    with pytest.raises(CommandError, match="no scoring run found"):
        award("results", "--edition", str(edition.pk))
    with pytest.raises(CommandError, match="no scoring run found"):
        award("verify", "--edition", str(edition.pk), "--run", "7")


def test_demo_round_needs_the_lampung_regions(db) -> None:
    with pytest.raises(CommandError, match="the Lampung regions are not loaded"):
        call_command("demo", "award")
