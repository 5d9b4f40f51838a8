from lindung.core.roles import Role
from lindung.coverage.audit import CoverageAudit
from tests.access import ANONYMOUS, ROLES, Route, for_roles

API_ANON = 401
# Region staff, the branch and auditors read unsuppressed figures of their own scope.
INTERNAL = {
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_BRANCH,
    Role.AUDITOR,
}
MANAGERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.BPJS_BRANCH}


def _internal(anonymous: int = 302) -> dict[str, int]:
    table = for_roles(INTERNAL, anonymous=anonymous)
    table[Role.VILLAGE_OPERATOR] = 404  # its scope is one village of 18.71
    return table


def _own(w):
    return {"code": "18.71"}


def _foreign(w):
    return {"code": "18.72"}


PUBLIC = dict.fromkeys(ROLES, 200)
POINT = {
    "reference_date": "2024-09-30",
    "label": "BPJS Ketenagakerjaan",
    "covered": "1200",
    "population": "5000",
    "source": "https://example.test/rilis",
}

ROUTES = [
    # The public dashboard shows aggregates of every region (small cells suppressed), so it is
    # open to everyone and not region-scoped; the internal one is.
    Route("coverage:index", dict.fromkeys(ROLES, 302)),
    Route("coverage:public", PUBLIC, kwargs=_own),
    Route("coverage:public-report", PUBLIC, kwargs=lambda w: {"code": "18.71", "fmt": "xlsx"}),
    Route("coverage:internal", _internal(), kwargs=_own, scoped=True, foreign=_foreign),
    # The internal report is made by the worker: the POST answers the job's page (302).
    Route(
        "coverage:internal-report",
        {**for_roles(INTERNAL, ok=302), Role.VILLAGE_OPERATOR: 404},
        kwargs=lambda w: {"code": "18.71", "fmt": "xlsx"},
        method="post",
        audits=(),
    ),
    Route(
        "coverage:point-add",
        {**for_roles(MANAGERS, ok=302), ANONYMOUS: 302},
        kwargs=_own,
        method="post",
        data=POINT,
        audits=(CoverageAudit.POINT_CREATE,),
    ),
    Route("api:coverage-public", PUBLIC, kwargs=_own),
    Route("api:coverage-public-trend", PUBLIC, kwargs=_own),
    Route(
        "api:coverage-detail",
        _internal(anonymous=API_ANON),
        kwargs=_own,
        scoped=True,
        foreign=_foreign,
    ),
    Route(
        "api:coverage-trend",
        _internal(anonymous=API_ANON),
        kwargs=_own,
        scoped=True,
        foreign=_foreign,
    ),
]
