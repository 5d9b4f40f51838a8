"""The registration funnel page: per channel, what the requests of an area became."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lindung.registrations import selectors
from lindung.registrations.forms.funnel import FunnelForm
from lindung.registrations.funnel import funnel


@login_required
@require_GET
def funnel_page(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_funnel(request.user):
        raise PermissionDenied
    form = FunnelForm(request.GET)
    if not form.is_valid():
        return render(request, "registrations/funnel.html", {"form": form}, status=400)
    region = form.cleaned_data.get("wilayah") or ""
    if region and not selectors.in_scope(request.user, region):
        raise Http404(region)
    data = funnel(request.user, region=region, month=form.month())
    as_of = dt.date.fromisoformat(data["as_of"])
    return render(
        request, "registrations/funnel.html", {"form": form, "data": data, "as_of": as_of}
    )
