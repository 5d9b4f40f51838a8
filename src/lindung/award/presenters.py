"""A scoring run for the run page: per category the ranking of the entries the reader sees, the
audit of every score with its source in words, and the ±10 % weight sensitivity. Entries
outside the reader's scope are only counted, never named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lindung.award.models import Category, Criterion, Result, ScoringRun, Verdict

# Labels of the figures an indicator keeps in its details (indicators.py).
DETAIL_LABELS = {
    "source": gettext_lazy("Indicator"),
    "as_of": gettext_lazy("As of"),
    "covered": gettext_lazy("Workers covered"),
    "covered_before": gettext_lazy("Workers covered a year before"),
    "population": gettext_lazy("Worker population"),
    "denominator": gettext_lazy("Denominator"),
    "denominator_source": gettext_lazy("Denominator source"),
    "coverage_pct": gettext_lazy("Coverage (%)"),
    "before_pct": gettext_lazy("Coverage a year before (%)"),
    "before": gettext_lazy("Compared with"),
    "bpu": gettext_lazy("BPU participants"),
    "persons_protected": gettext_lazy("Persons protected"),
    "premium_spent": gettext_lazy("Premium spent (Rp)"),
    "budget": gettext_lazy("Budget (Rp)"),
    "employers": gettext_lazy("Employers"),
    "with_findings": gettext_lazy("With findings"),
    "in_arrears": gettext_lazy("In arrears"),
    "findings": gettext_lazy("Findings"),
    "listed": gettext_lazy("Workers listed in the register"),
    "categories": gettext_lazy("Per category (covered/listed)"),
    "counted": gettext_lazy("Counted on the questionnaire's scale"),
    "answered": gettext_lazy("Answered"),
}


def _text(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, list | tuple):
        return ", ".join(_text(v) for v in value) or "–"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_text(v)}" for k, v in value.items())
    return str(value)


def _when(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ") or "–"


def source_lines(
    source: dict[str, Any], names: dict[int, str], show_jurors: bool
) -> list[tuple[str, str]]:
    """(label, value) pairs saying where a raw value came from."""
    if "indicator" in source:
        details = source["indicator"] or {}
        return [(str(DETAIL_LABELS.get(k, k)), _text(v)) for k, v in details.items()]
    if "answer" in source:
        verdict = source.get("verdict") or Verdict.PENDING
        lines = [
            (_("Answered"), _text(source.get("answered"))),
            (_("Verdict"), str(Verdict(verdict).label)),
            (_("Counted"), _text(source.get("counted"))),
        ]
        if source.get("verified_by"):
            who = names.get(source["verified_by"], f"#{source['verified_by']}")
            lines.append((_("Verified by"), f"{who}, {_when(source.get('verified_at'))}"))
        if source.get("reason"):
            lines.append((_("Reason"), source["reason"]))
        return lines
    if "jurors" in source:
        lines = []
        for i, juror in enumerate(source["jurors"], start=1):
            who = names.get(juror["user"], f"#{juror['user']}") if show_jurors else None
            label = who or _("Juror %(number)s") % {"number": i}
            lines.append((label, f"{juror['score']} ({_when(juror.get('at'))})"))
        return lines
    return [(_("No input"), _("counted as 0"))]


def people_in(results: Iterable[Result]) -> set[int]:
    """User ids named in the sources of these results (verifiers and jurors)."""
    ids: set[int] = set()
    for result in results:
        for score in result.scores.all():
            if score.source.get("verified_by"):
                ids.add(score.source["verified_by"])
            ids.update(j["user"] for j in score.source.get("jurors", []))
    return ids


@dataclass
class Change:
    criterion: str
    factor: str
    moved: list[str]
    hidden_moved: int
    winners_changed: bool


@dataclass
class Audit:
    criterion: Criterion
    raw: Decimal | None
    normalised: Decimal
    weight: Decimal
    points: Decimal
    source: list[tuple[str, str]]


@dataclass
class Block:
    category: Category
    results: list[Result]
    audits: dict[int, list[Audit]]
    entries: int
    stable: bool | None
    changes: list[Change] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return self.entries - len(self.results)

    @property
    def rows(self) -> list[tuple[Result, list[Audit]]]:
        return [(r, self.audits[r.pk]) for r in self.results]


def _factor(text: str) -> str:
    percent = (Decimal(text) - 1) * 100
    return f"{percent:+.0f} %"


def run_blocks(
    run: ScoringRun,
    results: list[Result],
    categories: list[Category],
    names: dict[int, str],
    show_jurors: bool,
) -> list[Block]:
    entries_in = {int(c["id"]): len(c["entries"]) for c in run.inputs.get("categories", [])}
    visible = {r.entry_id: r.entry.name for r in results}
    criteria = {c.pk: c for cat in categories for c in cat.criteria.all()}
    blocks = []
    for category in categories:
        if category.pk not in entries_in:
            continue
        mine = [r for r in results if r.category_id == category.pk]
        audits = {
            r.pk: [
                Audit(
                    criterion=s.criterion,
                    raw=s.raw,
                    normalised=s.normalised,
                    weight=s.weight,
                    points=s.points,
                    source=source_lines(s.source, names, show_jurors),
                )
                for s in r.scores.all()
            ]
            for r in mine
        }
        sensitivity = run.sensitivity.get(str(category.pk), {})
        block = Block(
            category=category,
            results=mine,
            audits=audits,
            entries=entries_in[category.pk],
            stable=sensitivity.get("stable"),
        )
        for change in sensitivity.get("changes", []):
            criterion = criteria.get(change["criterion"])
            moved = [m for m in change["moved"] if m["entry"] in visible]
            block.changes.append(
                Change(
                    criterion=criterion.name if criterion else change["code"],
                    factor=_factor(change["factor"]),
                    moved=[f"{visible[m['entry']]}: {m['from']} → {m['to']}" for m in moved],
                    hidden_moved=len(change["moved"]) - len(moved),
                    winners_changed=change["winners_changed"],
                )
            )
        blocks.append(block)
    return blocks


def result_groups(results: Iterable[Result]) -> list[tuple[Category, list[Result]]]:
    """Results grouped by category, in the order given."""
    groups: dict[int, tuple[Category, list[Result]]] = {}
    for result in results:
        groups.setdefault(result.category_id, (result.category, []))[1].append(result)
    return list(groups.values())
