"""URL path converters shared by the apps."""

from __future__ import annotations

from django.urls import register_converter


def register_choice_converter(name: str, *values: str) -> None:
    """``<name:x>`` in a path matches exactly one of ``values`` (e.g. a download format)."""

    class ChoiceConverter:
        regex = "|".join(values)

        def to_python(self, value: str) -> str:
            return value

        def to_url(self, value: str) -> str:
            return value

    register_converter(ChoiceConverter, name)
