from lindung.core.audit import CoreAudit
from tests.access import LOGGED_IN, ROLES, Route, for_roles, statuses

ROUTES = [
    Route("core:home", dict.fromkeys(ROLES, 200)),
    # 503: no worker runs beside the test server (tests/core/test_jobs.py has the live case).
    Route("healthz", dict.fromkeys(ROLES, 503)),
    Route(
        "set_language", dict.fromkeys(ROLES, 302), method="post", data={"language": "en"}, audits=()
    ),
    Route("core:audit", for_roles({"admin", "auditor"}), scoped=True),
    Route("admin:index", statuses(302, admin=200)),
]
# The OpenAPI schema and its viewer are public: they describe, they hold no records.
ROUTES += [
    Route("api:schema", dict.fromkeys(ROLES, 200)),
    Route("swagger-ui", dict.fromkeys(ROLES, 200)),
    Route("api:api-root", {**dict.fromkeys(LOGGED_IN, 200), "anonymous": 401}),
]

# Imports: the BPJS branch (and admins) upload extracts, region staff social-registry
# candidate lists; each sees their own jobs only.
IMPORTERS = {
    "admin", "bpjs_branch", "province_officer", "regency_officer", "village_operator",
}  # fmt: skip
ROUTES += [
    Route("imports:index", for_roles(IMPORTERS)),
    # An empty form is refused with 400 for those allowed to import.
    Route("imports:upload", for_roles(IMPORTERS, ok=400), method="post", audits=()),
    # The own job is the branch's: other importers get 404 for it, as for any job not theirs.
    *(
        Route(
            name,
            {
                **for_roles(IMPORTERS),
                **dict.fromkeys(("province_officer", "regency_officer", "village_operator"), 404),
            },
            kwargs=lambda w: {"job_id": w["own_import_job"].pk},
            foreign=lambda w: {"job_id": w["foreign_import_job"].pk},
        )
        for name in ("imports:detail", "imports:status", "imports:rejects")
    ),
    Route("api:import-job-list", for_roles(IMPORTERS, anonymous=401)),
    Route(
        "api:import-job-detail",
        {
            **for_roles(IMPORTERS, anonymous=401),
            **dict.fromkeys(("province_officer", "regency_officer", "village_operator"), 404),
        },
        kwargs=lambda w: {"pk": w["own_import_job"].pk},
        foreign=lambda w: {"pk": w["foreign_import_job"].pk},
    ),
]

# Background jobs: everyone sees the jobs they started, region staff also those of their regions.
# The own job is the branch's (village 18.71.01.1003), failed; only its owner or an admin may
# cancel or retry it (others who see it: 403).
JOB_READERS = {"admin", "province_officer", "regency_officer", "village_operator", "bpjs_branch",
               "auditor"}  # fmt: skip
JOB_ACTORS = {"admin", "bpjs_branch"}


def _job_route(name: str, *, method: str = "get", ok: int = 200, audits=None, **kw) -> Route:
    expected = {**for_roles(set(), denied=404), **dict.fromkeys(JOB_READERS, ok)}
    if method == "post":
        expected.update({r: (302 if r in JOB_ACTORS else 403) for r in JOB_READERS})
    return Route(
        name,
        expected,
        method=method,
        kwargs=lambda w: {"pk": w["own_job"].pk},
        foreign=lambda w: {"pk": w["foreign_job"].pk},
        audits=audits,
        **kw,
    )


ROUTES += [
    Route("jobs:list", for_roles(LOGGED_IN), scoped=True),
    _job_route("jobs:detail", scoped=True),
    _job_route("jobs:status"),
    # The failed job cannot be cancelled (a message); a retry queues it again, audited.
    _job_route("jobs:cancel", method="post", audits=()),
    _job_route("jobs:retry", method="post", audits=(CoreAudit.JOB_RETRY,)),
    # A job's file is its owner's alone (the failed job has none: a message, 302); others 403.
    Route(
        "jobs:download",
        {**for_roles(set(), denied=404), **dict.fromkeys(JOB_READERS, 403), "bpjs_branch": 302},
        kwargs=lambda w: {"pk": w["own_job"].pk},
    ),
    Route("api:job-list", for_roles(LOGGED_IN, anonymous=401), scoped=True),
    Route(
        "api:job-detail",
        {**for_roles(set(), denied=404, anonymous=401), **dict.fromkeys(JOB_READERS, 200)},
        kwargs=lambda w: {"pk": w["own_job"].pk},
        foreign=lambda w: {"pk": w["foreign_job"].pk},
    ),
]
