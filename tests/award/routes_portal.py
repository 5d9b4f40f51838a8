"""The award portal (issue 9): an entry's page is open to whoever sees the entry (organisers and
the branch/auditors of its region, its entrant, its assigned verifier and jurors), 404 to the
rest who may view awards, 403 without the capability. Writes need ENTER/VERIFY/JUDGE_AWARD
(403), then a visible row (404), and always redirect to the entry page.

Every page is leak-checked: verifiers, jurors and companies (no region scope) may name the
regions of the entries they see and their ancestors (``entry_regions`` in the matrix)."""

from lindung.award.audit import AwardAudit
from lindung.core.roles import Role
from tests.access import ANONYMOUS, Route, for_roles, statuses

VIEW_DENIED = {Role.SPONSOR: 403, ANONYMOUS: 302}


def _seen_by(*roles: str) -> dict[str, int]:
    """200 for ``roles``; 404 for everyone else who may view awards."""
    return statuses(404, **VIEW_DENIED, **dict.fromkeys(roles, 200))


def _pk(key: str):
    return lambda w: {"pk": w[key].pk}


ORGANISERS = (Role.ADMIN, Role.PROVINCE_OFFICER)
REGION_READERS = (*ORGANISERS, Role.BPJS_BRANCH, Role.AUDITOR)
ASSIGNED = (Role.AWARD_VERIFIER, Role.AWARD_JURY)


def _writes(capability_roles: set[str], ok: set[str]) -> dict[str, int]:
    """302 for ``ok``; 404 for the other holders of the capability; 403 for the rest."""
    table = for_roles(capability_roles, ok=404, denied=403)
    table.update(dict.fromkeys(ok, 302))
    return table


ENTERERS = {Role.ADMIN, Role.REGENCY_OFFICER, Role.VILLAGE_OPERATOR, Role.EMPLOYER}
OWN_ENTRY_WRITERS = {Role.ADMIN, Role.REGENCY_OFFICER}

ROUTES = [
    Route(
        "award:entry",
        _seen_by(*REGION_READERS, Role.REGENCY_OFFICER, *ASSIGNED),
        _pk("own_entry"),
        scoped=True,
    ),
    Route("award:entry", _seen_by(*ORGANISERS), _pk("foreign_entry")),
    Route(
        "award:entry",
        _seen_by(*REGION_READERS, Role.VILLAGE_OPERATOR),
        _pk("own_village_entry"),
        scoped=True,
        foreign=_pk("foreign_village_entry"),
    ),
    Route(
        "award:entry",
        _seen_by(*REGION_READERS, Role.EMPLOYER, *ASSIGNED),
        _pk("own_company_entry"),
        scoped=True,
    ),
    Route("award:entry", _seen_by(*ORGANISERS), _pk("foreign_company_entry")),
    Route(
        "award:evidence-file",
        _seen_by(*REGION_READERS, Role.REGENCY_OFFICER, *ASSIGNED),
        _pk("own_evidence"),
        foreign=_pk("foreign_evidence"),
    ),
    Route(
        "award:answer",
        _writes(ENTERERS, OWN_ENTRY_WRITERS),
        _pk("own_entry"),
        method="post",
        data={"criterion": "0", "value": "1"},
        audits=(),  # criterion 0 is unknown: refused with a message
    ),
    Route(
        "award:evidence",
        _writes(ENTERERS, OWN_ENTRY_WRITERS),
        _pk("own_answer"),
        method="post",
        audits=(),  # no file: refused with a message
    ),
    Route(
        "award:submit",
        _writes(ENTERERS, OWN_ENTRY_WRITERS),
        _pk("own_entry"),
        method="post",
        audits=(AwardAudit.ENTRY_SUBMIT,),
    ),
    Route(
        "award:verify",
        _writes({Role.ADMIN, Role.AWARD_VERIFIER}, {Role.ADMIN, Role.AWARD_VERIFIER}),
        _pk("own_answer"),
        method="post",
        data={"verdict": "accepted"},
        audits=(),  # refused: the edition is not at the verification stage
    ),
    Route(
        "award:score",
        _writes({Role.ADMIN, Role.AWARD_JURY}, {Role.ADMIN, Role.AWARD_JURY}),
        _pk("own_entry"),
        method="post",
        data={"criterion": "0", "score": "50"},
        audits=(),  # criterion 0 is unknown: refused with a message
    ),
    # Only the juror's own assignment: the admin, too, gets 404 on somebody else's.
    Route(
        "award:conflict",
        _writes({Role.ADMIN, Role.AWARD_JURY}, {Role.AWARD_JURY}),
        _pk("own_assignment"),
        method="post",
        data={"reason": "Keluarga"},
        audits=(AwardAudit.CONFLICT,),
    ),
    Route("award:verifications", for_roles({Role.ADMIN, Role.AWARD_VERIFIER}), scoped=True),
    Route("award:jury", for_roles({Role.ADMIN, Role.AWARD_JURY}), scoped=True),
]
