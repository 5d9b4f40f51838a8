"""Compliance factories and the records the access matrix needs (issue 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.compliance import services
from lindung.compliance.models import BusinessEntry, Finding, LetterTemplate, RiskScore, Step
from lindung.core import regioncodes
from tests.registry.factories import FOREIGN_VILLAGE, OWN_VILLAGE


def business(
    nib: str, name: str, village: str, workers: int = 10, avg_wage: int | None = None, **kw: Any
) -> BusinessEntry:
    """A business registry row as the importer writes it (region columns from the village)."""
    return BusinessEntry.objects.create(
        nib=nib,
        name=name,
        village_id=village,
        reported_workers=workers,
        reported_avg_wage=avg_wage,
        source=kw.pop("source", "OSS"),
        year=kw.pop("year", 2025),
        **regioncodes.level_codes(village),
        **kw,
    )


def compliance_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    """Compliance records on both sides of the regency officer's border: an unregistered
    business each side, a run whose findings cover both employers (JHT missing on their PU
    members), a case with a letter and an attachment each side."""
    admin = world["users"]["admin"]
    own_business = business("1234567890123", "CV Usaha Kedaton Belum Daftar", OWN_VILLAGE)
    foreign_business = business("9876543210987", "UD Metro Tersembunyi", FOREIGN_VILLAGE)
    today = dt.date.today()
    services.run_checks(actor=admin, as_of=today)
    scores = RiskScore.objects.filter(current=True)
    own_score = scores.get(employer=world["own_employer"])
    foreign_score = scores.get(employer=world["foreign_employer"])
    own_business_score = scores.get(business=own_business)
    foreign_business_score = scores.get(business=foreign_business)
    day = today - dt.timedelta(days=3)
    cases, letters, attachments = {}, {}, {}
    for side, employer in (("own", world["own_employer"]), ("foreign", world["foreign_employer"])):
        case = services.open_case(actor=admin, employer=employer, on=day)
        case = services.move_case(actor=admin, case=case, to=Step.REMINDER, on=day)
        letters[side] = services.issue_letter(actor=admin, case=case, kind="reminder", on=day)
        attachments[side] = services.add_attachment(
            actor=admin,
            case=case,
            upload=SimpleUploadedFile(f"bukti-{side}.txt", b"bukti kunjungan", "text/plain"),
        )
        cases[side] = case
    world["foreign_markers"].extend([foreign_business.name, foreign_business.nib])
    return {
        "own_business": own_business,
        "foreign_business": foreign_business,
        "own_score": own_score,
        "foreign_score": foreign_score,
        "own_business_score": own_business_score,
        "foreign_business_score": foreign_business_score,
        "own_case": cases["own"],
        "foreign_case": cases["foreign"],
        "own_letter": letters["own"],
        "foreign_letter": letters["foreign"],
        "own_attachment": attachments["own"],
        "foreign_attachment": attachments["foreign"],
        "own_finding": Finding.objects.filter(employer=world["own_employer"]).first(),
        "foreign_finding": Finding.objects.filter(employer=world["foreign_employer"]).first(),
        "letter_template": LetterTemplate.objects.get(kind="reminder"),
    }
