from lindung.core.roles import Role
from lindung.programmes.audit import ProgrammesAudit as A
from tests.access import REGION_VIEWERS, Route, for_roles

# Programmes (issue 6): region staff, the branch and auditors read them; the province and
# regencies plan, select and approve; village operators also register candidates (own village).
MANAGERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.REGENCY_OFFICER}
REGISTRARS = MANAGERS | {Role.VILLAGE_OPERATOR}
API_ANON = 401


def _own(w):
    return {"pk": w["own_programme"].pk}


def _foreign(w):
    return {"pk": w["foreign_programme"].pk}


def _own_run(w):
    return {"pk": w["own_programme"].pk, "version": w["own_run"].version}


def _foreign_run(w):
    return {"pk": w["foreign_programme"].pk, "version": w["foreign_run"].version}


def _own_invoice(w):
    return {"pk": w["own_programme"].pk, "invoice_id": w["own_invoice"].pk}


def _foreign_invoice(w):
    return {"pk": w["foreign_programme"].pk, "invoice_id": w["foreign_invoice"].pk}


# The branch enrols beneficiaries and bills the funder.
ENROLLERS = {Role.ADMIN, Role.BPJS_BRANCH}

ROUTES = [
    Route("programmes:list", for_roles(REGION_VIEWERS), scoped=True),
    Route("programmes:create", for_roles(MANAGERS), scoped=True),
    # An empty plan is refused with 400 for those allowed to plan.
    Route("programmes:create", for_roles(MANAGERS, ok=400), method="post", audits=()),
    Route("programmes:candidates", for_roles(REGISTRARS), scoped=True),
    Route("programmes:candidates", for_roles(REGISTRARS, ok=400), method="post", audits=()),
    Route(
        "programmes:detail", for_roles(REGION_VIEWERS), kwargs=_own, scoped=True, foreign=_foreign
    ),
    Route(
        "programmes:run",
        for_roles(REGION_VIEWERS),
        kwargs=_own_run,
        scoped=True,
        foreign=_foreign_run,
    ),
    # Writes answer with a redirect back to the page (a refusal is shown there as a message).
    # The own programme is selecting with one draft run: back to approved, a new run, the draft
    # set aside. A selection is a job: the answer is a redirect to the job's page, and the
    # matrix runs jobs inline, so the run's audit row is the job's.
    Route(
        "programmes:move",
        for_roles(MANAGERS, ok=302),
        kwargs=_own,
        method="post",
        data={"to": "approved", "reason": "matrix"},
        foreign=_foreign,
        audits=(A.PROGRAMME_MOVE,),
    ),
    Route(
        "programmes:select",
        for_roles(MANAGERS, ok=302),
        kwargs=_own,
        method="post",
        foreign=_foreign,
        audits=(A.SELECTION_RUN,),
    ),
    Route(
        "programmes:decide",
        for_roles(MANAGERS, ok=302),
        kwargs=_own_run,
        method="post",
        data={"action": "discard", "reason": "matrix"},
        foreign=_foreign_run,
        audits=(A.SELECTION_DISCARD,),
    ),
    Route(
        "programmes:outcome", for_roles(REGION_VIEWERS), kwargs=_own, scoped=True, foreign=_foreign
    ),
    # The enrolment file holds full NIKs for the branch: only those who plan the programme.
    Route(
        "programmes:enrolment",
        for_roles(MANAGERS),
        kwargs=lambda w: {**_own(w), "fmt": "csv"},
        foreign=lambda w: {**_foreign(w), "fmt": "csv"},
    ),
    # A selecting programme has nobody to invoice yet: refused with a message.
    Route(
        "programmes:invoice",
        for_roles(ENROLLERS, ok=302),
        kwargs=_own,
        method="post",
        foreign=_foreign,
        audits=(),
    ),
    Route(
        "programmes:pay",
        for_roles(MANAGERS, ok=302),
        kwargs=_own_invoice,
        method="post",
        data={"amount": "16800", "paid_on": "2025-08-01", "reference": "TRF-1"},
        foreign=_foreign_invoice,
        audits=(A.INVOICE_PAYMENT,),
    ),
    Route("api:programme-list", for_roles(REGION_VIEWERS, anonymous=API_ANON), scoped=True),
    Route(
        "api:programme-detail",
        for_roles(REGION_VIEWERS, anonymous=API_ANON),
        kwargs=_own,
        scoped=True,
        foreign=_foreign,
    ),
    Route(
        "api:programme-runs",
        for_roles(REGION_VIEWERS, anonymous=API_ANON),
        kwargs=_own,
        scoped=True,
        foreign=_foreign,
    ),
    Route(
        "api:programme-candidates",
        for_roles(REGISTRARS, anonymous=API_ANON),
        scoped=True,
    ),
    Route(
        "api:programme-run",
        for_roles(REGION_VIEWERS, anonymous=API_ANON),
        kwargs=_own_run,
        scoped=True,
        foreign=_foreign_run,
    ),
]
