"""Registration pages in the access matrix: one module per side (public, employer, branch)."""

from tests.registrations.routes_branch import ROUTES as BRANCH
from tests.registrations.routes_employer import ROUTES as EMPLOYER
from tests.registrations.routes_public import ROUTES as PUBLIC

ROUTES = [*PUBLIC, *EMPLOYER, *BRANCH]
