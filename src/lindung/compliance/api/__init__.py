"""The compliance API under /api/v1/compliance/: viewsets in ``views``, routes in ``urls``."""
