from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lindung.core.imports.selectors import may_import
from lindung.core.permissions import has_capability
from lindung.core.roles import Capability, Role


def registrations_page(user: Any) -> str:
    """The registration page each user starts from (a URL name): the branch's worklist, the
    employer portal, the village/officer form, or the public self-registration."""
    if has_capability(user, Capability.PROCESS_REGISTRATIONS):
        return "registrations:branch"
    if has_capability(user, Capability.REGISTER_WORKERS):
        if getattr(user, "role", "") == Role.EMPLOYER:
            return "registrations:employer"
        return "registrations:village"
    return "registrations:self"


@dataclass
class MenuItem:
    """One entry of the main menu: its page, label and the stable ``id`` tests and help texts
    point at; ``current`` when the request is on that page or below it."""

    id: str
    label: str | Promise
    url: str
    current: bool = False


@dataclass
class MenuGroup:
    """A top-level entry: a dropdown of its items, or a plain link when the user may open only
    one of them (no menu to open for a single choice)."""

    id: str
    label: str | Promise
    items: list[MenuItem] = field(default_factory=list)

    @property
    def single(self) -> MenuItem | None:
        return self.items[0] if len(self.items) == 1 else None

    @property
    def current(self) -> bool:
        return any(item.current for item in self.items)


def _is_current(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def menu(request: HttpRequest, flags: dict[str, Any]) -> list[MenuGroup]:
    """The main menu of ``request.user``: groups of the pages the role may open, in a fixed
    order, empty groups left out. What the role may do is checked by each page; hiding a link
    is never the protection."""
    path = request.path
    # (group id, group label, [(item id, label, URL name, shown)])
    layout: list[tuple[str, Any, list[tuple[str, Any, str, bool]]]] = [
        (
            "coverage",
            _("Coverage"),
            [
                ("nav-coverage", _("Coverage"), "coverage:index", True),
                ("nav-regions", _("Regions"), "regions:index", flags["regions"]),
                (
                    "nav-public-workers",
                    _("Public-sector workers"),
                    "publicworkers:index",
                    flags["public_workers"],
                ),
            ],
        ),
        (
            "registry",
            _("Registry"),
            [
                ("nav-registrations", _("Registration"), flags["registrations"], True),
                ("nav-employers", _("Employers"), "registry:employer-list", flags["employers"]),
                ("nav-persons", _("Persons"), "registry:person-list", flags["persons"]),
                ("nav-memberships", _("Memberships"), "registry:membership-list", flags["persons"]),
            ],
        ),
        (
            "contributions",
            _("Contributions"),
            [
                ("nav-bills", _("Bills"), "bills:list", flags["bills"]),
                ("nav-simulator", _("Contribution simulator"), "contributions:simulator", True),
            ],
        ),
        (
            "programmes",
            _("Programmes & CSR"),
            [
                ("nav-programmes", _("Programmes"), "programmes:list", flags["programmes"]),
                ("nav-sponsorship", _("CSR"), "sponsorship:home", flags["sponsorship"]),
            ],
        ),
        (
            "compliance",
            _("Compliance"),
            [("nav-compliance", _("Compliance"), "compliance:worklist", flags["compliance"])],
        ),
        ("award", _("Award"), [("nav-award", _("Award"), "award:home", flags["award"])]),
        (
            "data",
            _("Data"),
            [
                ("nav-imports", _("Imports"), "imports:index", flags["imports"]),
                ("nav-audit", _("Audit log"), "core:audit", flags["audit"]),
                ("nav-api", "API", "swagger-ui", True),
            ],
        ),
    ]
    groups = []
    for group_id, label, entries in layout:
        items = []
        for item_id, item_label, name, shown in entries:
            if shown:
                url = reverse(name)
                items.append(MenuItem(item_id, item_label, url, _is_current(path, url)))
        if items:
            groups.append(MenuGroup(f"nav-group-{group_id}", label, items))
    return groups


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries the user may open; pages still check for themselves."""
    user = request.user
    flags: dict[str, Any] = {
        "regions": has_capability(user, Capability.VIEW_REGIONS),
        "audit": has_capability(user, Capability.VIEW_AUDIT),
        "employers": has_capability(user, Capability.VIEW_EMPLOYERS),
        "persons": has_capability(user, Capability.VIEW_PERSONS),
        "imports": may_import(user),
        "coverage_internal": has_capability(user, Capability.VIEW_COVERAGE),
        "bills": has_capability(user, Capability.VIEW_BILLS),
        "programmes": has_capability(user, Capability.VIEW_PROGRAMMES),
        "compliance": has_capability(user, Capability.VIEW_COMPLIANCE),
        "sponsorship": has_capability(user, Capability.VIEW_SPONSORSHIP),
        "award": has_capability(user, Capability.VIEW_AWARD),
        "public_workers": has_capability(user, Capability.VIEW_PUBLIC_WORKERS),
        "registrations": registrations_page(user),
    }
    return {"nav": {**flags, "menu": menu(request, flags)}, "lindung_demo": settings.LINDUNG_DEMO}
