from __future__ import annotations

from typing import Any

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from rest_framework.authtoken.models import Token

from lindung.accounts.models import Organisation, User
from lindung.core.permissions import require_admin, require_capability
from lindung.core.roles import Capability


def organisations_for(user: Any) -> QuerySet[Organisation]:
    require_capability(user, Capability.VIEW_ORGANISATIONS)
    return Organisation.objects.for_actor(user).select_related("region")


def api_token_of(user: Any) -> Token | None:
    """The user's own API token, if any (the account page shows its age, never its key)."""
    return Token.objects.filter(user=user).first()


def login_lockouts(user: Any) -> list[dict[str, Any]]:
    """Failed log-ins still within the cool-off (django-axes), per username and address, newest
    first; ``locked`` once the failure limit is reached. Administrators only."""
    require_admin(user)
    attempts = AccessAttempt.objects.order_by("-attempt_time")
    cool_off = get_cool_off()
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return [
        {
            "username": a.username or "",
            "ip_address": a.ip_address or "",
            "failures": a.failures_since_start,
            "last_attempt": a.attempt_time,
            "unlocks_at": a.attempt_time + cool_off if cool_off else None,
            "locked": a.failures_since_start >= settings.AXES_FAILURE_LIMIT,
        }
        for a in attempts[:500]
    ]


def staff_of(organisation_id: int | None, role: str | None = None) -> QuerySet[User]:
    """The active users acting for an organisation (of ``role`` only, when given): whom a
    notification addressed to an employer, a funder or a sponsor reaches. A trusted read for
    services: no actor, no scope."""
    if organisation_id is None:
        return User.objects.none()
    users = User.objects.filter(organisation_id=organisation_id, is_active=True)
    return users.filter(role=role) if role else users
