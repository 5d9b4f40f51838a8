from lindung.core.roles import Role
from lindung.registry.audit import EXPORT_ACTIONS, RegistryAudit
from tests.access import REGION_VIEWERS, Route, for_roles

API_ANON = 401
# Employer staff see their own employer rows (owner scope), not persons or memberships.
EMPLOYER_VIEWERS = REGION_VIEWERS | {Role.EMPLOYER}
PERSON_VIEWERS = REGION_VIEWERS
# Auditors read masked; they neither reveal nor export (lindung.core.roles).
REVEALERS = REGION_VIEWERS - {Role.AUDITOR}
EXPORTERS = REGION_VIEWERS - {Role.AUDITOR}
REASON = {"reason": "Pemeriksaan matriks akses"}


def _export(name: str, kind: str) -> Route:
    return Route(
        name,
        for_roles(EXPORTERS),
        kwargs=lambda w: {"fmt": "csv"},
        method="post",
        data=REASON,
        scoped=True,
        audits=(EXPORT_ACTIONS[kind],),
    )


ROUTES = [
    # /registri/ sends each viewer on to the first list they may see.
    Route("registry:index", for_roles(EMPLOYER_VIEWERS, ok=302)),
    Route("registry:employer-list", for_roles(EMPLOYER_VIEWERS), scoped=True),
    Route(
        "registry:employer-detail",
        for_roles(EMPLOYER_VIEWERS),
        kwargs=lambda w: {"npp": w["own_employer"].npp},
        scoped=True,
        foreign=lambda w: {"npp": w["foreign_employer"].npp},
    ),
    _export("registry:employer-export", "employers"),
    Route("registry:person-list", for_roles(PERSON_VIEWERS), scoped=True),
    # The search form posts, so a NIK or name never lands in a URL.
    Route(
        "registry:person-list",
        for_roles(PERSON_VIEWERS),
        method="post",
        data={"q": "Asingwijaya"},
        scoped=True,
        audits=(),  # a name search: only an exact-NIK lookup is audited
    ),
    Route(
        "registry:person-detail",
        for_roles(PERSON_VIEWERS),
        kwargs=lambda w: {"pk": w["own_person"].pk},
        scoped=True,
        foreign=lambda w: {"pk": w["foreign_person"].pk},
    ),
    # Reveal: a POST with a reason on the detail page.
    Route(
        "registry:person-detail",
        for_roles(REVEALERS),
        kwargs=lambda w: {"pk": w["own_person"].pk},
        method="post",
        data=REASON,
        scoped=True,
        foreign=lambda w: {"pk": w["foreign_person"].pk},
        audits=(RegistryAudit.PERSON_REVEAL,),
    ),
    _export("registry:person-export", "persons"),
    Route("registry:membership-list", for_roles(PERSON_VIEWERS), scoped=True),
    _export("registry:membership-export", "memberships"),
    Route("api:employer-list", for_roles(EMPLOYER_VIEWERS, anonymous=API_ANON), scoped=True),
    Route(
        "api:employer-detail",
        for_roles(EMPLOYER_VIEWERS, anonymous=API_ANON),
        kwargs=lambda w: {"npp": w["own_employer"].npp},
        scoped=True,
        foreign=lambda w: {"npp": w["foreign_employer"].npp},
    ),
    Route("api:person-list", for_roles(PERSON_VIEWERS, anonymous=API_ANON), scoped=True),
    # Search by NIK or name: a POST, so a NIK never lands in a URL (nor in an access log).
    Route(
        "api:person-search",
        for_roles(PERSON_VIEWERS, anonymous=API_ANON),
        method="post",
        data={"q": "Asingwijaya"},
        scoped=True,
        audits=(),  # a name search: only an exact-NIK lookup is audited
    ),
    Route(
        "api:person-detail",
        for_roles(PERSON_VIEWERS, anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_person"].pk},
        scoped=True,
        foreign=lambda w: {"pk": w["foreign_person"].pk},
    ),
    Route(
        "api:person-reveal",
        for_roles(REVEALERS, anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_person"].pk},
        method="post",
        data=REASON,
        scoped=True,
        foreign=lambda w: {"pk": w["foreign_person"].pk},
        audits=(RegistryAudit.PERSON_REVEAL,),
    ),
    Route("api:membership-list", for_roles(PERSON_VIEWERS, anonymous=API_ANON), scoped=True),
    Route(
        "api:membership-detail",
        for_roles(PERSON_VIEWERS, anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_membership"].pk},
        scoped=True,
        foreign=lambda w: {"pk": w["foreign_membership"].pk},
    ),
]
