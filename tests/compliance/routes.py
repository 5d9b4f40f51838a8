"""Compliance pages and API × roles. Region staff who follow compliance read (regency office,
auditor); the branch's and the province's inspectors also work cases (MANAGE_COMPLIANCE).
Village operators, employers, sponsors and award roles get 403. The API lives under
/api/v1/compliance/ (``compliance_api:``); its old /kepatuhan/api/ paths redirect there (308).
Each write declares the audit rows one accepted request leaves."""

from lindung.compliance.audit import ComplianceAudit
from lindung.core.roles import Role
from tests.access import Route, for_roles, statuses

VIEWERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER, Role.BPJS_BRANCH, Role.AUDITOR}
MANAGERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.BPJS_BRANCH}
API_ANON = 401


def _pk(key: str):
    return lambda w: {"pk": w[key].pk}


def page(name: str, **kw) -> Route:
    return Route(f"compliance:{name}", for_roles(VIEWERS), scoped=True, **kw)


def api(name: str, **kw) -> Route:
    return Route(
        f"compliance_api:{name}", for_roles(VIEWERS, anonymous=API_ANON), scoped=True, **kw
    )


def post(
    name: str, data: dict, own: str, foreign: str | None = None, *, audits: tuple = ()
) -> Route:
    return Route(
        f"compliance:{name}",
        for_roles(MANAGERS, ok=302),
        kwargs=_pk(own),
        method="post",
        data=data,
        foreign=_pk(foreign) if foreign else None,
        audits=audits,
    )


ROUTES = [
    page("worklist"),
    page("subject", kwargs=_pk("own_score"), foreign=_pk("foreign_score")),
    page("findings"),
    page("businesses"),
    page("cases"),
    page("case", kwargs=_pk("own_case"), foreign=_pk("foreign_case")),
    page("sla"),
    page("runs"),
    page("letter-pdf", kwargs=_pk("own_letter"), foreign=_pk("foreign_letter")),
    page("attachment", kwargs=_pk("own_attachment"), foreign=_pk("foreign_attachment")),
    Route("compliance:templates", for_roles(MANAGERS)),
    Route("compliance:template-edit", for_roles(MANAGERS), kwargs=_pk("letter_template")),
    post(
        "open-case",
        {"note": "cek"},
        "own_business_score",
        "foreign_business_score",
        audits=(ComplianceAudit.CASE_OPEN,),
    ),
    post(
        "case-move",
        {"to": "warning_1"},
        "own_case",
        "foreign_case",
        audits=(ComplianceAudit.CASE_MOVE,),
    ),
    post(
        "case-assign",
        {"assignee": ""},
        "own_case",
        "foreign_case",
        audits=(ComplianceAudit.CASE_ASSIGN,),
    ),
    post(
        "case-note",
        {"text": "kunjungan lapangan"},
        "own_case",
        "foreign_case",
        audits=(ComplianceAudit.CASE_NOTE,),
    ),
    # No file: refused with a message (a file would be read empty by every role after the first).
    post("case-attach", {}, "own_case", "foreign_case", audits=()),
    post(
        "letter-issue",
        {"kind": "reminder"},
        "own_case",
        "foreign_case",
        audits=(ComplianceAudit.LETTER_ISSUE,),
    ),
    Route(
        "compliance:runs",
        for_roles(MANAGERS, ok=302),
        method="post",
        data={"region": "18.71"},
        audits=(ComplianceAudit.RUN,),
    ),
    post(
        "template-edit",
        {"title": "Imbauan", "body": "<p>{{ subject.name }}</p>"},
        "letter_template",
        audits=(ComplianceAudit.LETTER_TEMPLATE_EDIT,),
    ),
    # The old API paths: a 308 for everyone (the new path then answers as below).
    Route("compliance:api-moved", statuses(308), kwargs=lambda w: {"rest": "risks/"}),
    api("risk-list"),
    api("risk-detail", kwargs=_pk("own_score"), foreign=_pk("foreign_score")),
    api("finding-list"),
    api("finding-detail", kwargs=_pk("own_finding"), foreign=_pk("foreign_finding")),
    api("case-list"),
    api("case-detail", kwargs=_pk("own_case"), foreign=_pk("foreign_case")),
    api("business-list"),
    api("business-detail", kwargs=_pk("own_business"), foreign=_pk("foreign_business")),
    api("sla"),
    Route(
        "compliance_api:case-move",
        for_roles(MANAGERS, anonymous=API_ANON),
        kwargs=_pk("own_case"),
        method="post",
        data={"to": "warning_1"},
        foreign=_pk("foreign_case"),
        audits=(ComplianceAudit.CASE_MOVE,),
    ),
]
