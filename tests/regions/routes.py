from lindung.core.roles import Role
from tests.access import REGION_VIEWERS, Route, for_roles

API_ANON = 401
# The village operator's scope is one village of 18.71, so the regency page is outside it.
OWN_REGENCY_VIEWERS = REGION_VIEWERS - {Role.VILLAGE_OPERATOR}


def _own_regency_page(ok: int = 200, anonymous: int = 302) -> dict[str, int]:
    table = for_roles(OWN_REGENCY_VIEWERS, ok=ok, anonymous=anonymous)
    table[Role.VILLAGE_OPERATOR] = 404
    return table


ROUTES = [
    Route(
        "regions:index",
        # Users with one scope region are sent straight to it.
        {
            **for_roles(REGION_VIEWERS, ok=302),
            Role.ADMIN: 200,
        },
        scoped=True,
    ),
    Route(
        "regions:detail",
        _own_regency_page(),
        kwargs=lambda w: {"code": "18.71"},
        scoped=True,
        foreign=lambda w: {"code": "18.72"},
    ),
    Route("api:region-list", for_roles(REGION_VIEWERS, anonymous=API_ANON), scoped=True),
    Route(
        "api:region-detail",
        _own_regency_page(anonymous=API_ANON),
        kwargs=lambda w: {"code": "18.71"},
        scoped=True,
        foreign=lambda w: {"code": "18.72"},
    ),
    Route(
        "api:region-boundaries",
        _own_regency_page(anonymous=API_ANON),
        kwargs=lambda w: {"code": "18.71"},
        scoped=True,
        foreign=lambda w: {"code": "18.72"},
    ),
    Route(
        "api:worker-population-list",
        for_roles(REGION_VIEWERS, anonymous=API_ANON),
        scoped=True,
    ),
    Route(
        "api:worker-population-detail",
        _own_regency_page(anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_population"].pk},
        foreign=lambda w: {"pk": w["foreign_population"].pk},
    ),
    Route(
        "api:minimum-wage-list",
        for_roles(REGION_VIEWERS, anonymous=API_ANON),
        scoped=True,
    ),
    Route(
        "api:minimum-wage-detail",
        _own_regency_page(anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_wage"].pk},
        foreign=lambda w: {"pk": w["foreign_wage"].pk},
    ),
]
