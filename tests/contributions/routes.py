from lindung.core.roles import Role
from tests.access import REGION_VIEWERS, ROLES, Route, for_roles

# The simulator and its API hold no personal data: open to everyone, anonymous included.
BPU_PACKAGE = {"segment": "BPU", "month": "2025-03", "income": "1000000"}
ROUTES = [
    Route("contributions:simulator", dict.fromkeys(ROLES, 200), query=BPU_PACKAGE),
    Route("api:contribution-calculate", dict.fromkeys(ROLES, 200), query=BPU_PACKAGE),
]

# Bills: region staff by the employer's region, the employer its own (owner scope). The own
# bill's employer is in the village operator's village, so the operator sees it too.
BILL_READERS = REGION_VIEWERS | {Role.EMPLOYER}
API_ANON = 401


def _own_bill(w):
    return {"pk": w["own_bill"].pk}


def _foreign_bill(w):
    return {"pk": w["foreign_bill"].pk}


ROUTES += [
    Route("bills:list", for_roles(BILL_READERS), scoped=True),
    Route(
        "bills:detail",
        for_roles(BILL_READERS),
        kwargs=_own_bill,
        scoped=True,
        foreign=_foreign_bill,
    ),
    Route("api:bill-list", for_roles(BILL_READERS, anonymous=API_ANON), scoped=True),
    Route(
        "api:bill-detail",
        for_roles(BILL_READERS, anonymous=API_ANON),
        kwargs=_own_bill,
        scoped=True,
        foreign=_foreign_bill,
    ),
]
