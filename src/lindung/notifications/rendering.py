"""Rendering an event's text from its template (``notifications/email/<event>.<lang>.txt``: the
first line is the subject and in-app title, the rest after one blank line the body)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.template import Context
from django.template.loader import get_template
from django.utils import translation

from lindung.notifications.events import template_name

TITLE_MAX = 200


def render_text(event: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of ``event`` in ``language``. Plain text: no HTML escaping (the in-app page
    escapes when it shows the text; e-mail text is not HTML)."""
    template = get_template(template_name(event, language))
    with translation.override(language):
        # The engine's template object renders with autoescape off for a text message.
        text = template.template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]
    title, _, body = text.strip().partition("\n")
    return " ".join(title.split())[:TITLE_MAX], body.strip()


def json_context(context: dict[str, Any]) -> dict[str, Any]:
    """The context as stored (dates as ISO text, decimals as strings)."""
    return json.loads(json.dumps(context, cls=DjangoJSONEncoder, default=str))
