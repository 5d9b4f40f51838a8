"""Routes of the compliance API, mounted by config/urls.py under /api/v1/compliance/ (the old
/kepatuhan/api/ paths redirect here, see ``compliance.urls``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from lindung.compliance.api import views

app_name = "compliance_api"


class _Router(SimpleRouter):
    # Region codes contain dots: no ".json" format suffixes.
    include_format_suffixes = False


router = _Router()
router.register("risks", views.RiskScoreViewSet, basename="risk")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("cases", views.CaseViewSet, basename="case")
router.register("businesses", views.BusinessViewSet, basename="business")

urlpatterns = [
    *router.urls,
    path("sla/", views.SlaView.as_view(), name="sla"),
]
