from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from lindung.regions import selectors


@login_required
def index(request: HttpRequest) -> HttpResponse:
    roots = list(selectors.scope_roots(request.user))
    if len(roots) == 1:
        return redirect("regions:detail", code=roots[0].code)
    return render(request, "regions/index.html", {"roots": roots})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    region = selectors.region_for(user, code)
    context = {
        "region": region,
        "crumbs": selectors.breadcrumbs(user, region),
        "children": selectors.children_of(user, region),
        "populations": selectors.populations_for(user).filter(region=region),
        "minimum_wages": selectors.minimum_wages_for(user).filter(region=region),
    }
    return render(request, "regions/detail.html", context)
