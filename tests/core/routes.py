from tests.access import LOGGED_IN, ROLES, Route, for_roles, statuses

ROUTES = [
    Route("core:home", dict.fromkeys(ROLES, 200)),
    Route("healthz", dict.fromkeys(ROLES, 200)),
    Route("set_language", dict.fromkeys(ROLES, 302), method="post", data={"language": "en"}),
    Route("core:audit", for_roles({"admin", "auditor"}), scoped=True),
    Route("admin:index", statuses(302, admin=200)),
]
# The OpenAPI schema and its viewer are public: they describe, they hold no records.
ROUTES += [
    Route("api:schema", dict.fromkeys(ROLES, 200)),
    Route("swagger-ui", dict.fromkeys(ROLES, 200)),
    Route("api:api-root", {**dict.fromkeys(LOGGED_IN, 200), "anonymous": 401}),
]
