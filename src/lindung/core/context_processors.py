from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

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


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Menu entries the user may open; pages still check for themselves."""
    user = request.user
    return {
        "nav": {
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
        },
        "lindung_demo": settings.LINDUNG_DEMO,
    }
