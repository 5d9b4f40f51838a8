from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from lindung.accounts.api import AuditLogViewSet, MeView, OrganisationViewSet
from lindung.contributions.api import CalculateView
from lindung.contributions.bills.api import BillViewSet
from lindung.core.imports.api import ImportJobViewSet
from lindung.core.jobs.api import JobViewSet
from lindung.core.views import healthz
from lindung.coverage.api import CoverageView, PublicCoverageView, PublicTrendView, TrendView
from lindung.notifications.api import NotificationViewSet
from lindung.programmes.api import ProgrammeViewSet
from lindung.publicworkers.api import CoverageView as PublicWorkerCoverageView
from lindung.publicworkers.api import PublicWorkerViewSet
from lindung.regions.api import MinimumWageViewSet, RegionViewSet, WorkerPopulationViewSet
from lindung.registrations.api import FunnelView
from lindung.registry.api import EmployerViewSet, MembershipViewSet, PersonViewSet


class ApiRouter(DefaultRouter):
    # Region codes contain dots, so the router must not read ".71" as a format suffix.
    include_format_suffixes = False


router = ApiRouter()
router.register("regions", RegionViewSet, basename="region")
router.register("worker-populations", WorkerPopulationViewSet, basename="worker-population")
router.register("minimum-wages", MinimumWageViewSet, basename="minimum-wage")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("audit-log", AuditLogViewSet, basename="audit-log")
router.register("import-jobs", ImportJobViewSet, basename="import-job")
router.register("jobs", JobViewSet, basename="job")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("employers", EmployerViewSet, basename="employer")
router.register("persons", PersonViewSet, basename="person")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("bills", BillViewSet, basename="bill")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("public-workers", PublicWorkerViewSet, basename="public-worker")

api_patterns = [
    path("", include(router.urls)),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("contributions/calculate/", CalculateView.as_view(), name="contribution-calculate"),
    path("coverage/public/<str:code>/", PublicCoverageView.as_view(), name="coverage-public"),
    path(
        "coverage/public/<str:code>/trend/",
        PublicTrendView.as_view(),
        name="coverage-public-trend",
    ),
    path("coverage/<str:code>/", CoverageView.as_view(), name="coverage-detail"),
    path("coverage/<str:code>/trend/", TrendView.as_view(), name="coverage-trend"),
    path("registrations/funnel/", FunnelView.as_view(), name="registration-funnel"),
    path(
        "public-workers/coverage/",
        PublicWorkerCoverageView.as_view(),
        name="public-worker-coverage",
    ),
    path("award/", include("lindung.award.api.urls")),
]

urlpatterns = [
    path("", include("lindung.core.urls")),
    path("", include("lindung.accounts.urls")),
    path("wilayah/", include("lindung.regions.urls")),
    path("registri/", include("lindung.registry.urls")),
    path("notifikasi/", include("lindung.notifications.urls")),
    path("impor/", include("lindung.core.imports.urls")),
    path("tugas/", include("lindung.core.jobs.urls")),
    path("simulasi-iuran/", include("lindung.contributions.urls")),
    path("cakupan/", include("lindung.coverage.urls")),
    path("tagihan/", include("lindung.contributions.bills.urls")),
    path("program/", include("lindung.programmes.urls")),
    path("kepatuhan/", include("lindung.compliance.urls")),
    path("csr/", include("lindung.sponsorship.urls")),
    path("penghargaan/", include("lindung.award.urls")),
    path("pendaftaran/", include("lindung.registrations.urls")),
    path("pekerja-publik/", include("lindung.publicworkers.urls")),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/v1/compliance/", include("lindung.compliance.api.urls")),
    path(
        "api/v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="swagger-ui",
    ),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# An unmatched URL under /api/ answers the API's JSON 404, not an HTML page.
handler404 = "lindung.core.api.not_found"
# The site's error pages, in the user's language with a way back (core.errors).
handler403 = "lindung.core.errors.permission_denied"
handler500 = "lindung.core.errors.server_error"
