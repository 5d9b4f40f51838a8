"""The category rules (docs/domain.md §13.2): every reader sees the default rule of each category
and their regency's own; a regency's officers (and the province) set the regency's own rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lindung.core import regioncodes
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.publicworkers import selectors, services
from lindung.publicworkers.forms import RuleForm
from lindung.regions.models import Region


def _regency(request: HttpRequest) -> Region | None:
    """The regency asked for (``?regency=`` or the form's), else the user's own; None when
    there is none or it lies outside the user's area."""
    code = (request.POST.get("regency") or request.GET.get("regency") or "").strip()
    code = code or selectors.home_regency(request.user)
    if not regioncodes.is_valid_code(code) or regioncodes.level_of(code) != "regency":
        return None
    # A village operator reads its own regency's rules (its village lies inside it).
    if not (selectors.in_area(request.user, code) or selectors.home_regency(request.user) == code):
        return None
    return Region.objects.filter(code=code).first()


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    require_capability(request.user, Capability.VIEW_PUBLIC_WORKERS)
    regency = _regency(request)
    may_set = (
        regency is not None
        and has_capability(request.user, Capability.MANAGE_PUBLIC_WORKERS)
        and selectors.in_area(request.user, regency.code)
    )
    form = RuleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied("regency")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.set_rule(
                    actor=request.user,
                    category=data["category"],
                    regency=regency,
                    segment=data["segment"],
                    programmes=data["programmes"],
                    wage_basis=data["wage_basis"],
                    wage_amount=data["wage_amount"],
                    source=data["source"],
                    confidence=data["confidence"],
                )
            except services.PublicWorkerError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("The regency's rule is saved; its register is priced again.")
                )
                return redirect(f"{reverse('publicworkers:rules')}?regency={regency.code}")
        status = 400
    return render(
        request,
        "publicworkers/rules.html",
        {
            "regency": regency,
            "rows": selectors.category_rules(request.user, regency.code if regency else ""),
            "form": form,
            "may_set": may_set,
        },
        status=status,
    )
