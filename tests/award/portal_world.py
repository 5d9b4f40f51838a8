"""Records the portal's matrix routes need beyond ``award_world``: the juror's own assignment
(for ``award:conflict``), and an evidence file on each side of the regency officer's border
(for ``award:evidence-file``)."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from lindung.award import services
from lindung.award.models import Assignment, AssignmentKind, CriterionKind

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def portal_world(regions: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    users = world["users"]
    own_entry, foreign_entry = world["own_entry"], world["foreign_entry"]
    own_evidence = services.add_evidence(
        actor=users["regency_officer"],
        answer=world["own_answer"],
        upload=SimpleUploadedFile("perda.pdf", PDF, content_type="application/pdf"),
    )
    # The foreign entry's answer, entered by the admin (who may enter for any entry).
    criterion = foreign_entry.category.criteria.filter(kind=CriterionKind.QUESTIONNAIRE).first()
    foreign_answer = services.answer(
        actor=users["admin"], entry=foreign_entry, criterion=criterion, value=1
    )
    foreign_evidence = services.add_evidence(
        actor=users["admin"],
        answer=foreign_answer,
        upload=SimpleUploadedFile("asing.pdf", PDF, content_type="application/pdf"),
    )
    return {
        "own_assignment": Assignment.objects.get(
            entry=own_entry, user=users["award_jury"], kind=AssignmentKind.JUROR
        ),
        "own_evidence": own_evidence,
        "foreign_evidence": foreign_evidence,
    }
