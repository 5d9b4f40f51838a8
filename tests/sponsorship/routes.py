from lindung.core.roles import Role
from lindung.programmes.audit import ProgrammesAudit
from lindung.sponsorship.audit import SponsorshipAudit
from tests.access import Route, for_roles

# CSR sponsorship (issue 7): sponsors see their own pledges (owner scope); region staff, the
# branch and auditors read those of their region and the regional overview; the province
# matches pledges to workers. Village operators and the award roles see nothing of it.
STAFF = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.BPJS_BRANCH, Role.AUDITOR}
VIEWERS = STAFF | {Role.SPONSOR}
PLEDGERS = {Role.ADMIN, Role.SPONSOR}
MATCHERS = {Role.ADMIN, Role.PROVINCE_OFFICER}


def _own(w):
    return {"pk": w["own_pledge"].pk}


def _foreign(w):
    return {"pk": w["foreign_pledge"].pk}


def _own_match(w):
    return {"pk": w["own_match"].pk}


def _foreign_match(w):
    return {"pk": w["foreign_match"].pk}


ROUTES = [
    Route("sponsorship:home", for_roles(VIEWERS), scoped=True),
    Route("sponsorship:api-pledges", for_roles(VIEWERS, anonymous=401), scoped=True),
    Route("sponsorship:pledge-create", for_roles(PLEDGERS), scoped=True),
    # An empty form: refused with its errors.
    Route("sponsorship:pledge-create", for_roles(PLEDGERS, ok=400), method="post", audits=()),
    *(
        Route(name, for_roles(VIEWERS), kwargs=_own, scoped=True, foreign=_foreign)
        for name in ("sponsorship:pledge", "sponsorship:impact", "sponsorship:certificate")
    ),
    Route("sponsorship:overview", for_roles(STAFF), scoped=True),
    Route("sponsorship:matches", for_roles(MATCHERS), scoped=True),
    Route(
        "sponsorship:matches",
        for_roles(MATCHERS, ok=302),
        method="post",
        audits=(SponsorshipAudit.MATCH_RUN,),
    ),
    Route(
        "sponsorship:match",
        for_roles(MATCHERS),
        kwargs=_own_match,
        scoped=True,
        foreign=_foreign_match,
    ),
    # The own run is accepted already: accepting it again is refused with a message.
    Route(
        "sponsorship:match-decide",
        for_roles(MATCHERS, ok=302),
        kwargs=_own_match,
        method="post",
        foreign=_foreign_match,
        audits=(),
    ),
    # The other regency's run is a draft: accepting it starts a job (run inline by the matrix)
    # that reserves its worker through its pledge's programme: two moves (approved, selecting),
    # the selection approved, the matching accepted.
    Route(
        "sponsorship:match-decide",
        for_roles(MATCHERS, ok=302),
        kwargs=_foreign_match,
        method="post",
        data={"decision": "accept"},
        audits=(
            SponsorshipAudit.MATCH_ACCEPT,
            ProgrammesAudit.PROGRAMME_MOVE,
            ProgrammesAudit.PROGRAMME_MOVE,
            ProgrammesAudit.SELECTION_APPROVE,
        ),
    ),
    # Discarding it succeeds, at once.
    Route(
        "sponsorship:match-decide",
        for_roles(MATCHERS, ok=302),
        kwargs=_foreign_match,
        method="post",
        data={"decision": "discard"},
        audits=(SponsorshipAudit.MATCH_DISCARD,),
    ),
]
