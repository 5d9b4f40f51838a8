"""Registry pages. Rows come from the selectors (scope) and reach templates as masked dicts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lindung.core.paging import filter_fields, paginate
from lindung.core.permissions import has_capability, require_capability
from lindung.core.roles import Capability
from lindung.registry import exports, selectors, services
from lindung.registry.filters import (
    EmployerFilter,
    MembershipFilter,
    PersonFilter,
    PersonListFilter,
    is_nik,
)
from lindung.registry.masking import mask_nik, present_membership, present_person
from lindung.registry.models import Segment


def _with_village_names(user: Any, rows: list[Any]) -> list[Any]:
    """Sets ``village_name`` on each row (model or dict): the name only inside the user's region
    scope, else blank (the page then shows the bare code)."""
    names = selectors.region_names(user, [_get(r, "village_code") for r in rows])
    for row in rows:
        name = names.get(_get(row, "village_code"), "")
        if isinstance(row, dict):
            row["village_name"] = name
        else:
            row.village_name = name
    return rows


def _get(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """``/registri/`` (the README's link): the first registry list the user may see."""
    user = request.user
    if has_capability(user, Capability.VIEW_EMPLOYERS):
        return redirect("registry:employer-list")
    if has_capability(user, Capability.VIEW_PERSONS):
        return redirect("registry:person-list")
    raise PermissionDenied("registry")


@login_required
@require_GET
def employer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = EmployerFilter(request.GET, queryset=selectors.employers_for(user))
    page = paginate(filterset.qs if filterset.is_valid() else [], request.GET, key="npp")
    context = {
        "filter": filterset,
        "page": page,
        "employers": _with_village_names(user, page.rows),
        "can_export": has_capability(user, Capability.EXPORT_REGISTRY),
    }
    return render(request, "registry/employer_list.html", context)


@login_required
@require_GET
def employer_detail(request: HttpRequest, npp: str) -> HttpResponse:
    user = request.user
    employer = selectors.employer_for(user, npp)
    context: dict[str, Any] = {
        "employer": _with_village_names(user, [employer])[0],
        "counts": None,
    }
    if has_capability(user, Capability.VIEW_PERSONS):
        page = paginate(selectors.employer_memberships(user, employer), request.GET, key="pk")
        counts = selectors.active_workers(user, employer)
        context["counts"] = counts
        context["segments"] = [
            (value, label, counts.by_segment[value]) for value, label in Segment.choices
        ]
        context["page"] = page
        context["memberships"] = [present_membership(m) for m in page.rows]
    return render(request, "registry/employer_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def person_list(request: HttpRequest) -> HttpResponse:
    """Persons in scope; searching by NIK or name is a POST so neither lands in a URL, a browser
    history or an access log."""
    user = request.user
    data = request.POST if request.method == "POST" else request.GET
    # A GET (a link, the pager) searches names only and refuses a NIK in its URL.
    filter_class = PersonFilter if request.method == "POST" else PersonListFilter
    filterset = filter_class(data, queryset=selectors.persons_for(user))
    page = paginate(filterset.qs if filterset.is_valid() else [], data, key="pk")
    # A searched NIK never travels with the pager either.
    page.filters = [(k, v) for k, v in page.filters if not is_nik(v)]
    nik = None
    if filterset.is_valid():
        nik = filterset.looked_up_nik() if filter_class is PersonFilter else None
        if nik is not None:
            found = page.rows[0] if page.rows else None
            services.record_nik_lookup(actor=user, nik=nik, person=found, channel="page")
    context = {
        "filter": filterset,
        "page": page,
        "persons": _with_village_names(user, [present_person(p) for p in page.rows]),
        # A searched NIK is never echoed into the page (not even into the search box).
        "searched_nik": mask_nik(nik) if nik else "",
        "method": request.method.lower(),
        # Exports take the list's region filters only, never a name or NIK search.
        "export_filters": [(k, v) for k, v in page.filters if k in {"within", "sex"}],
        "can_export": has_capability(user, Capability.EXPORT_REGISTRY),
    }
    status = 200 if filterset.is_valid() else 400
    return render(request, "registry/person_list.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The person masked; a POST with a reason reveals this one record for this response only."""
    user = request.user
    require_capability(user, Capability.VIEW_PERSONS)
    revealed = False
    errors: list[str] = []
    person = selectors.person_for(user, pk)
    if request.method == "POST":
        try:
            services.reveal_person(actor=user, person=person, reason=request.POST.get("reason"))
            revealed = True
        except ValidationError as error:
            errors = error.messages
    history = selectors.membership_history(user, person)
    context = {
        "person": _with_village_names(user, [present_person(person, revealed=revealed)])[0],
        "memberships": [present_membership(m, revealed=revealed) for m in history],
        "revealed": revealed,
        "reveal_errors": errors,
        "can_reveal": has_capability(user, Capability.REVEAL_PERSONAL_DATA),
    }
    response = render(
        request, "registry/person_detail.html", context, status=400 if errors else 200
    )
    if revealed:
        add_never_cache_headers(response)
    return response


@login_required
@require_GET
def membership_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = MembershipFilter(request.GET, queryset=selectors.memberships_for(user))
    page = paginate(filterset.qs if filterset.is_valid() else [], request.GET, key="pk")
    context = {
        "filter": filterset,
        "page": page,
        "memberships": [present_membership(m) for m in page.rows],
        "can_export": has_capability(user, Capability.EXPORT_REGISTRY),
    }
    return render(request, "registry/membership_list.html", context)


LIST_PAGES = {
    "employers": "registry:employer-list",
    "persons": "registry:person-list",
    "memberships": "registry:membership-list",
}


@login_required
@require_POST
def export(request: HttpRequest, kind: str, fmt: str) -> HttpResponseBase:
    """A masked CSV or XLSX of the filtered list; POST because it writes an audit row with the
    stated reason (which then stays out of URLs)."""
    if kind not in LIST_PAGES:
        raise Http404(kind)
    try:
        return exports.export_response(
            actor=request.user,
            kind=kind,
            fmt=fmt,
            data=request.POST,
            request_id=request.request_id,
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        carried = QueryDict(mutable=True)
        for key, value in filter_fields(request.POST):
            if key not in exports.PERSONAL_FILTERS:
                carried[key] = value
        url = reverse(LIST_PAGES[kind])
        return redirect(f"{url}?{carried.urlencode()}" if carried else url)
