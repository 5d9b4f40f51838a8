"""Coverage pages: a public dashboard (aggregates, small cells suppressed) and an internal one
(unsuppressed, region-scoped), their PDF/XLSX reports, and entering a published figure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.coverage import dashboard, panels, reports, selectors, services
from lindung.coverage.forms import IndicatorPointForm


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Staff go to their own area's internal dashboard; everyone else to the public one."""
    user = request.user
    if has_capability(user, Capability.VIEW_COVERAGE):
        home = selectors.home_region(user)
        if home is not None:
            return redirect("coverage:internal", code=home)
    return redirect("coverage:public", code=settings.COVERAGE_HOME_REGION)


def _context(request: HttpRequest, code: str, *, public: bool) -> dict:
    options = dashboard.parse_options(request.GET, public=public)
    name = "coverage:public" if public else "coverage:internal"
    try:
        return dashboard.build(request.user, code, options, url_name=name)
    except selectors.CoverageNotVisible:
        raise Http404(code) from None


@require_GET
def public_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    context = _context(request, code, public=True)
    context["can_see_internal"] = selectors.internal_region_allowed(request.user, code)
    return render(request, "coverage/dashboard.html", context)


@login_required
@require_GET
def internal_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    require_capability(request.user, Capability.VIEW_COVERAGE)
    context = _context(request, code, public=False)
    context["can_manage"] = has_capability(request.user, Capability.MANAGE_COVERAGE)
    context["point_form"] = IndicatorPointForm(initial={"reference_date": context["options"].day})
    context["panels"] = panels.panels_for(request.user, code, context["options"].day)
    return render(request, "coverage/dashboard.html", context)


@require_GET
def public_report(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    return reports.response(_context(request, code, public=True), fmt)


@login_required
@require_POST
def internal_report(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """Start the internal report in the worker; its page offers the file when it is made."""
    require_capability(request.user, Capability.VIEW_COVERAGE)
    try:
        job = services.start_report(
            actor=request.user,
            code=code,
            fmt=fmt,
            query=request.GET.dict(),
            language=translation.get_language() or settings.LANGUAGE_CODE,
            request_id=request.request_id,
        )
    except selectors.CoverageNotVisible:
        raise Http404(code) from None
    except services.ReportRefused as exc:
        messages.error(request, str(exc))
        return redirect("coverage:index")
    return redirect("jobs:detail", pk=job.pk)


@login_required
@require_POST
def add_point(request: HttpRequest, code: str) -> HttpResponse:
    require_capability(request.user, Capability.MANAGE_COVERAGE)
    try:
        region = selectors.visible_region(request.user, code, public=False)
    except selectors.CoverageNotVisible:
        raise Http404(code) from None
    form = IndicatorPointForm(request.POST)
    if form.is_valid():
        services.save_indicator_point(actor=request.user, region=region, data=form.cleaned_data)
        messages.success(request, _("Published figure saved."))
    else:
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, _("The figure was not saved: %(errors)s") % {"errors": errors})
    return redirect("coverage:internal", code=code)
