"""The award's organiser pages, public results, certificates and API (issue 9) in the access
matrix. Who may open what is written in src/lindung/award/organiser/views.py; in short:

* home: everyone with VIEW_AWARD (sponsors have none);
* edition overview: everyone with VIEW_AWARD, for the editions they see; the foreign edition
  (only 18.72 entries) is seen by the province only;
* scoring run: the province (organiser) and the read-only co-organisers, branch and auditors;
* organiser writes: MANAGE_AWARD (admin, province); empty forms redirect with a message;
* results, certificates and the results API: public, for a published edition.

Pages of verifiers, jurors and companies (no region scope) may name the regions of the
entries they see and those regions' ancestors (``entry_regions`` in the matrix), nothing else.
"""

from lindung.award.audit import AwardAudit
from lindung.core.roles import Role
from tests.access import ROLES, Route, for_roles

VIEWERS = set(Role.values) - {Role.SPONSOR}
RUN_READERS = {Role.ADMIN, Role.PROVINCE_OFFICER, Role.BPJS_BRANCH, Role.AUDITOR}
MANAGERS = {Role.ADMIN, Role.PROVINCE_OFFICER}
PUBLIC = dict.fromkeys(ROLES, 200)
API_ANON = 401


def _edition(w):
    return {"pk": w["award_edition"].pk}


def _foreign_edition(w):
    return {"pk": w["published_edition"].pk}


def _run(w):
    return {"pk": w["award_edition"].pk, "number": w["award_run"].number}


def _foreign_run(w):
    return {"pk": w["published_edition"].pk, "number": w["published_run"].number}


def _criterion(w):
    criterion = w["award_edition"].categories.first().criteria.first()
    return {"pk": w["award_edition"].pk, "criterion": criterion.pk}


def _published(w):
    return {"pk": w["published_edition"].pk}


def _certificate(w):
    return {"pk": w["published_edition"].pk, "result": w["published_result"].pk}


def _post(name, kwargs, data=None, audits=()):
    """A write of the organisers; ``audits``: what one accepted request leaves (() when the
    request as listed is refused with a message)."""
    return Route(
        name,
        for_roles(MANAGERS, ok=302),
        kwargs=kwargs,
        method="post",
        data=data or {},
        audits=audits,
    )


ROUTES = [
    Route("award:home", for_roles(VIEWERS), scoped=True),
    Route(
        "award:edition",
        for_roles(VIEWERS),
        kwargs=_edition,
        scoped=True,
        foreign=_foreign_edition,
    ),
    Route("award:run", for_roles(RUN_READERS), kwargs=_run, foreign=_foreign_run),
    _post(
        "award:weight",
        _criterion,
        {"weight": "12.5", "reason": "matriks akses"},
        (AwardAudit.CRITERION_WEIGHT,),
    ),
    _post("award:entry-add", _edition),  # an empty form: refused with a message
    _post("award:assign", _edition),  # an empty form: refused with a message
    _post("award:stage", _edition, audits=(AwardAudit.EDITION_STAGE,)),
    # Jobs: the POST opens the job's page (302); the matrix runs jobs inline, so the work's
    # audit row is there too.
    _post("award:freeze", _edition, audits=(AwardAudit.INDICATORS_FREEZE,)),
    _post("award:compute", _edition, audits=(AwardAudit.RUN_COMPUTE,)),
    _post("award:finalise", _run),  # refused: the edition is not at the jury decision
    Route("award:results", PUBLIC, kwargs=_published),
    Route("award:certificate", PUBLIC, kwargs=_certificate),
    Route("api:award-entries", for_roles(VIEWERS, anonymous=API_ANON), scoped=True),
    Route("api:award-results", PUBLIC, kwargs=_published),
]
