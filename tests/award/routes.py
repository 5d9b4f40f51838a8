from tests.award.routes_organiser import ROUTES as ORGANISER
from tests.award.routes_portal import ROUTES as PORTAL

ROUTES = ORGANISER + PORTAL
