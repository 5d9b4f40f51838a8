from tests.access import ROLES, Route

# The simulator and its API hold no personal data: open to everyone, anonymous included.
BPU_PACKAGE = {"segment": "BPU", "month": "2025-03", "income": "1000000"}
ROUTES = [
    Route("contributions:simulator", dict.fromkeys(ROLES, 200), query=BPU_PACKAGE),
    Route("api:contribution-calculate", dict.fromkeys(ROLES, 200), query=BPU_PACKAGE),
]
