"""Base classes of Lindung's API views."""

from __future__ import annotations

from rest_framework import generics, viewsets

from lindung.core.api import StrictFilterBackend


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """The base of Lindung's read-only API viewsets: strict query parameters (the project-wide
    default in ``REST_FRAMEWORK`` too; set here so the API does not depend on it)."""

    filter_backends = [StrictFilterBackend]


class ListAPIView(generics.ListAPIView):
    """A list view with strict query parameters."""

    filter_backends = [StrictFilterBackend]
