"""Models of the programmes app, split by sub-domain: plans (funders, programmes, candidates),
selection (runs, decisions, the one-funder-per-month ledger), money (enrolments, invoices,
payments) and claims."""

from lindung.programmes.models.claims import Claim, ClaimType
from lindung.programmes.models.money import (
    Enrolment,
    EnrolmentStatus,
    ProgrammeInvoice,
    ProgrammePayment,
)
from lindung.programmes.models.plans import (
    ENGINE_FUNDER,
    Candidate,
    CandidateLinks,
    Funder,
    FunderKind,
    FundingSourceYear,
    PriorityRule,
    Programme,
    ProgrammeStatus,
)
from lindung.programmes.models.selection import (
    Decision,
    FundedMonth,
    Reason,
    RunStatus,
    SelectionRun,
)

__all__ = [
    "ENGINE_FUNDER",
    "Candidate",
    "CandidateLinks",
    "Claim",
    "ClaimType",
    "Decision",
    "Enrolment",
    "EnrolmentStatus",
    "FundedMonth",
    "Funder",
    "FunderKind",
    "FundingSourceYear",
    "PriorityRule",
    "Programme",
    "ProgrammeInvoice",
    "ProgrammePayment",
    "ProgrammeStatus",
    "Reason",
    "RunStatus",
    "SelectionRun",
]
