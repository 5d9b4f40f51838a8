"""The compliance API's routes (names ``api-risk-list`` …), included by ``urls.py``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lindung.compliance import api


class _Router(SimpleRouter):
    include_format_suffixes = False


router = _Router()
router.register("risks", api.RiskScoreViewSet, basename="api-risk")
router.register("findings", api.FindingViewSet, basename="api-finding")
router.register("cases", api.CaseViewSet, basename="api-case")
router.register("businesses", api.BusinessViewSet, basename="api-business")

urlpatterns = [
    *router.urls,
    path("sla/", api.SlaView.as_view(), name="api-sla"),
]
