from tests.access import LOGGED_IN, ROLES, Route, for_roles, statuses

ROUTES = [
    Route("core:home", dict.fromkeys(ROLES, 200)),
    Route("healthz", dict.fromkeys(ROLES, 200)),
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
