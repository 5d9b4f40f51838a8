from tests.access import Route

ROUTES: list[Route] = []
