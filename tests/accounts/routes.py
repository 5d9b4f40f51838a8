from lindung.accounts.audit import AccountsAudit
from lindung.core.roles import Role
from tests.access import LOGGED_IN, REGION_VIEWERS, ROLES, Route, for_roles, statuses

API_ANON = 401
ORG_VIEWERS = REGION_VIEWERS - {Role.VILLAGE_OPERATOR}
AUDITORS = {Role.ADMIN, Role.AUDITOR}

ROUTES = [
    Route("accounts:login", {**dict.fromkeys(LOGGED_IN, 302), "anonymous": 200}),
    Route("accounts:logout", dict.fromkeys(ROLES, 302), method="post", audits=()),
    Route("accounts:profile", for_roles(LOGGED_IN)),
    Route(
        "accounts:issue-token",
        for_roles(LOGGED_IN, ok=302),
        method="post",
        audits=(AccountsAudit.TOKEN_ISSUE,),
    ),
    Route(
        "accounts:revoke-token",
        for_roles(LOGGED_IN, ok=302),
        method="post",
        audits=(AccountsAudit.TOKEN_REVOKE,),
    ),
    # Unlocking log-ins after repeated failures: administrators only.
    Route("accounts:lockouts", for_roles({Role.ADMIN})),
    Route(
        "accounts:unlock",
        for_roles({Role.ADMIN}, ok=302),
        method="post",
        data={"username": "tidak-ada"},
        audits=(AccountsAudit.LOGIN_UNLOCK,),
    ),
    Route("api:me", {**dict.fromkeys(LOGGED_IN, 200), "anonymous": API_ANON}),
    Route(
        "api:organisation-list",
        for_roles(ORG_VIEWERS, anonymous=API_ANON),
        scoped=True,
    ),
    Route(
        "api:organisation-detail",
        # Everyone with the capability sees their own organisation.
        for_roles(ORG_VIEWERS, anonymous=API_ANON),
        kwargs=lambda w: {"pk": w["own_organisation"].pk},
        foreign=lambda w: {"pk": w["foreign_organisation"].pk},
    ),
    Route("api:audit-log-list", for_roles(AUDITORS, anonymous=API_ANON), scoped=True),
    Route(
        "api:audit-log-detail",
        statuses(403, anonymous=API_ANON, admin=200, auditor=200),
        kwargs=lambda w: {"pk": w["own_audit"].pk},
        foreign=lambda w: {"pk": w["foreign_audit"].pk},
    ),
]
