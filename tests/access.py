"""The role × page/endpoint matrix.

Each app lists its routes in ``tests/<app>/routes.py`` as ``ROUTES = [Route(...)]``. The matrix
test (tests/test_access_matrix.py) then checks, for every route and every role:

* the status each role gets (anonymous included);
* for ``scoped`` routes, that the body names no region outside the actor's scope, and that the
  same route pointed at a foreign record (``foreign``) answers 404;
* that every URL the project serves is listed somewhere, so a new page cannot skip the matrix.

Later issues add routes (and records to ``access_world``) rather than new ad-hoc tests.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from lindung.core.roles import Role

ANONYMOUS = "anonymous"
ROLES: list[str] = [ANONYMOUS, *Role.values]
REGION_VIEWERS = {
    Role.ADMIN,
    Role.PROVINCE_OFFICER,
    Role.REGENCY_OFFICER,
    Role.VILLAGE_OPERATOR,
    Role.BPJS_BRANCH,
    Role.AUDITOR,
}
LOGGED_IN = set(Role.values)

WRITE_METHODS = {"post", "put", "patch", "delete"}

Kwargs = Callable[[dict[str, Any]], dict[str, Any]]


def statuses(default: int, **by_role: int) -> dict[str, int]:
    """Expected status per role: ``statuses(403, admin=200)``; keys are role values."""
    table = dict.fromkeys(ROLES, default)
    table.update(by_role)
    return table


def for_roles(
    roles: set[str], ok: int = 200, denied: int = 403, anonymous: int = 302
) -> dict[str, int]:
    table = {role: (ok if role in roles else denied) for role in Role.values}
    table[ANONYMOUS] = anonymous
    return table


@dataclass
class Route:
    name: str
    expected: dict[str, int]
    kwargs: Kwargs = field(default=lambda world: {})
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)
    # Query string of a GET (e.g. a calculator's inputs).
    query: dict[str, Any] = field(default_factory=dict)
    # Body must not name regions outside the actor's scope.
    scoped: bool = False
    # The same route on a record outside the regency officer's scope.
    foreign: Kwargs | None = None
    # Writes only: the audit actions (members of an app's AuditAction) one accepted request
    # leaves; () when the request as listed is refused even for a role allowed to write.
    audits: tuple[str, ...] | None = None

    @property
    def writes(self) -> bool:
        return self.method in WRITE_METHODS

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.name}"


# URL names that are not pages of ours (Django admin's internals are covered by admin:index).
EXEMPT_PREFIXES = ("admin:",)
EXEMPT_NAMES = {"django.views.static.serve"}


def collect_routes() -> list[Route]:
    import tests

    routes: list[Route] = []
    for module in pkgutil.iter_modules(tests.__path__):
        if not module.ispkg:
            continue
        try:
            mod = importlib.import_module(f"tests.{module.name}.routes")
        except ModuleNotFoundError:
            continue
        routes.extend(mod.ROUTES)
    return routes


def served_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}{p.name}")

    walk(get_resolver().url_patterns, "")
    return {n for n in names if not n.startswith(EXEMPT_PREFIXES) and n not in EXEMPT_NAMES}
