"""What the award audits (docs/audit-events.md): the organiser's changes to an edition, the
entrants' answers and submissions, the verifiers' verdicts, the jurors' scores and conflicts, and
the scoring runs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from lindung.core.audit import AuditAction


class AwardAudit(AuditAction):
    """One member per action; assignments and verdicts have one member per kind."""

    EDITION_CREATE = "award.edition.create", _("Award edition created")
    CRITERION_WEIGHT = "award.criterion.weight", _("Award criterion weight changed")
    EDITION_STAGE = "award.edition.stage", _("Award edition moved to its next stage")
    ENTRY_ADD = "award.entry.add", _("Award entry added")
    ENTRY_ANSWER = "award.entry.answer", _("Award questionnaire answer saved")
    EVIDENCE_ADD = "award.evidence.add", _("Award evidence uploaded")
    ENTRY_SUBMIT = "award.entry.submit", _("Award entry submitted")
    ASSIGN_VERIFIER = "award.assign.verifier", _("Award verifier assigned")
    ASSIGN_JUROR = "award.assign.juror", _("Award juror assigned")
    ANSWER_ACCEPTED = "award.answer.accepted", _("Award answer accepted")
    ANSWER_ADJUSTED = "award.answer.adjusted", _("Award answer adjusted")
    ANSWER_REJECTED = "award.answer.rejected", _("Award answer rejected")
    CONFLICT = "award.conflict", _("Award juror declared a conflict of interest")
    JURY_SCORE = "award.jury.score", _("Award jury score saved")
    INDICATORS_FREEZE = "award.indicators.freeze", _("Award indicators frozen")
    RUN_COMPUTE = "award.run.compute", _("Award scoring run computed")
    RUN_FINAL = "award.run.final", _("Award scoring run chosen as final")


# The action of each assignment kind and each verdict (models.AssignmentKind, models.Verdict).
ASSIGN_ACTIONS = {"verifier": AwardAudit.ASSIGN_VERIFIER, "juror": AwardAudit.ASSIGN_JUROR}
VERDICT_ACTIONS = {
    "accepted": AwardAudit.ANSWER_ACCEPTED,
    "adjusted": AwardAudit.ANSWER_ADJUSTED,
    "rejected": AwardAudit.ANSWER_REJECTED,
}
