from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from lindung.accounts.models import Organisation
from lindung.core.permissions import require_capability
from lindung.core.roles import Capability


def organisations_for(user: Any) -> QuerySet[Organisation]:
    require_capability(user, Capability.VIEW_ORGANISATIONS)
    return Organisation.objects.for_actor(user).select_related("region")
