"""The public side of registration (docs/domain.md §13.1): a worker registers alone, without an
account, and checks the status with the reference and the birth date; a village operator (or a
regency/province officer) registers people of their own area. Thin: the form checks the input,
``services.submit`` decides, ``selectors`` read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.exceptions import Throttled

from lindung.accounts.throttling import AddressCounter
from lindung.contributions.calculator import calculate_month
from lindung.contributions.models import Programme
from lindung.contributions.results import CalculationError
from lindung.core.paging import filtered_page
from lindung.core.permissions import has_capability, user_role
from lindung.core.roles import REGION_ROLES, Capability, Role
from lindung.registrations import rules, selectors, services
from lindung.registrations.forms.public import (
    CONSENT_TEXT,
    CONSENT_TEXT_VERSION,
    RegistrationFilter,
    RegistrationForm,
    StatusForm,
)
from lindung.registrations.models import Channel, Payer, Registration, Status
from lindung.registry.masking import mask_kpj, mask_name
from lindung.registry.models import Segment

# The self-registration just stored, for the page after the redirect (never the NIK).
SESSION_KEY = "registrations.self_done"


class StatusLookupThrottle(AddressCounter):
    """Status look-ups per client address: the reference plus a birth date must not be
    guessable by trying. ``registration_status`` in the settings overrides the rate. Only
    look-ups count; any request over the limit is refused."""

    scope = "registration_status"
    default_rate = "10/minute"
    cache_format = "throttle_registration_status_%(ident)s"


class SelfRegistrationThrottle(AddressCounter):
    """Stored self-registrations per client address (a family may register several; a script
    may not flood the branch's worklist). ``registration_submit`` in the settings overrides."""

    scope = "registration_submit"
    default_rate = "20/hour"
    cache_format = "throttle_registration_submit_%(ident)s"


def first_month(today: dt.date | None = None) -> dt.date:
    """Membership starts on the first day of next month."""
    today = today or timezone.localdate()
    return (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class Simulation:
    month: dt.date
    lines: list[tuple[str, int]]  # (programme label, Rupiah)
    total: int


def simulate(form: RegistrationForm, month: dt.date) -> Simulation | None:
    """The monthly contribution of the form's income and programmes, stored nowhere; None (the
    form then holds the reason) when the input does not allow it."""
    if not form.simulation_ready():
        return None
    try:
        calc = calculate_month(
            segment=Segment.BPU,
            month=month,
            income=form.cleaned_data["income"],
            programmes=form.programmes(),
        )
    except CalculationError as exc:
        form.add_error(None, str(exc))
        return None
    labels = dict(Programme.choices)
    lines = [(str(labels.get(line.programme, line.programme)), line.amount) for line in calc.lines]
    return Simulation(month=month, lines=lines, total=calc.total)


def _submit(
    form: RegistrationForm, *, actor: Any, channel: str, month: dt.date
) -> Registration | None:
    data = form.cleaned_data
    try:
        return services.submit(
            actor=actor,
            channel=channel,
            draft=form.draft(month),
            payer=data["payer"],
            phone=data["phone"],
            email=data["email"],
            consent=services.ConsentGiven(text_version=CONSENT_TEXT_VERSION),
        )
    except services.RegistrationError as exc:
        form.add_error(None, str(exc))
        return None


def _form_context(form: RegistrationForm, simulation: Simulation | None, month: dt.date):
    return {
        "form": form,
        "simulation": simulation,
        "first_month": month,
        "base_programmes": [Programme(p).label for p in rules.BASE_PROGRAMMES],
        "consent_text": CONSENT_TEXT,
        "consent_version": CONSENT_TEXT_VERSION,
    }


@require_http_methods(["GET", "POST"])
def self_register(request: HttpRequest) -> HttpResponse:
    """The worker's own registration: "Hitung iuran" prices it (nothing stored), "Daftar"
    submits it with the person's consent and redirects to the reference."""
    month = first_month()
    posted = request.method == "POST"
    form = RegistrationForm(request.POST if posted else None)
    simulation = None
    if posted and request.POST.get("action") == "simulate":
        simulation = simulate(form, month)
    elif posted and form.is_valid():
        throttle = SelfRegistrationThrottle()
        try:
            throttle.check(request)
        except Throttled as exc:
            return throttled_page(request, exc)
        actor = request.user if request.user.is_authenticated else None
        registration = _submit(form, actor=actor, channel=Channel.SELF, month=month)
        if registration is not None:
            throttle.record(request)
            request.session[SESSION_KEY] = {
                "reference": registration.reference,
                "first_month": registration.first_month.isoformat(),
                "contribution": registration.monthly_contribution,
                "payer": registration.payer,
            }
            return redirect("registrations:self-done")
    status = 400 if posted and simulation is None else 200
    return render(
        request,
        "registrations/public/self.html",
        _form_context(form, simulation, month),
        status=status,
    )


@require_GET
def self_done(request: HttpRequest) -> HttpResponse:
    """The reference of the registration this browser just made, and how to follow it."""
    done = request.session.get(SESSION_KEY)
    try:
        context = {
            "reference": str(done["reference"]),
            "first_month": dt.date.fromisoformat(done["first_month"]),
            "contribution": int(done["contribution"]),
            "asked_help": done["payer"] == Payer.HELP,
        }
    except (KeyError, TypeError, ValueError):  # nothing registered in this session
        return redirect("registrations:self")
    return render(request, "registrations/public/done.html", context)


@dataclass(frozen=True)
class Answer:
    """What the status page tells: the status, and the branch's KPJ (masked) or reason."""

    reference: str
    status: str
    kpj: str
    reason: str


def throttled_page(request: HttpRequest, exc: Throttled) -> HttpResponse:
    response = render(
        request, "registrations/public/throttled.html", {"message": exc.detail}, status=429
    )
    response["Retry-After"] = str(exc.wait)
    return response


@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """The status of a request from its reference and the person's birth date, by POST (neither
    sits in a URL). Nothing about the person is shown, and every mismatch gets the same page."""
    if request.method == "GET":
        return render(request, "registrations/public/status.html", {"form": StatusForm()})
    throttle = StatusLookupThrottle()
    try:
        throttle.check(request)
    except Throttled as exc:
        return throttled_page(request, exc)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render(request, "registrations/public/status.html", {"form": form}, status=400)
    throttle.record(request)
    found = selectors.by_reference(form.cleaned_data["reference"], form.cleaned_data["birth_date"])
    answer = None
    if found is not None:
        answer = Answer(
            reference=found.reference,
            status=found.status,
            kpj=mask_kpj(found.kpj),
            reason=found.branch_reason,
        )
    # A fresh form: the page must not echo what was typed, or two misses would differ.
    context = {"form": StatusForm(), "answer": answer, "looked_up": True}
    return render(request, "registrations/public/status.html", context)


def registrar_channel(user: Any) -> str:
    """The channel of a user who registers others: a village operator for its village, an
    officer (region roles, the administrator) for its area. Employers use their portal."""
    role = user_role(user)
    if not has_capability(user, Capability.REGISTER_WORKERS) or not (
        role == Role.ADMIN or role in REGION_ROLES
    ):
        raise PermissionDenied(Capability.REGISTER_WORKERS)
    return Channel.VILLAGE if role == Role.VILLAGE_OPERATOR else Channel.OFFICER


@dataclass(frozen=True)
class Row:
    reference: str
    name: str  # masked
    village_code: str
    village_name: str
    status: str
    status_label: str
    submitted_at: dt.datetime


@login_required
@require_http_methods(["GET", "POST"])
def village(request: HttpRequest) -> HttpResponse:
    """Registration on a person's behalf, in the registrar's own area, and the area's requests
    (``?status=``), masked and paged."""
    user = request.user
    channel = registrar_channel(user)
    month = first_month()
    posted = request.method == "POST"
    form = RegistrationForm(request.POST if posted else None, user=user)
    simulation = None
    if posted and request.POST.get("action") == "simulate":
        simulation = simulate(form, month)
    elif posted and form.is_valid():
        registration = _submit(form, actor=user, channel=channel, month=month)
        if registration is not None:
            messages.success(
                request,
                _("Registration request %(reference)s stored.")
                % {"reference": registration.reference},
            )
            return redirect("registrations:village")
    requests = selectors.registrations_for(user).select_related("village")
    listing, list_status = filtered_page(
        RegistrationFilter(request.GET, queryset=requests), request.GET
    )
    rows = [
        Row(
            reference=r.reference,
            name=mask_name(r.name),
            village_code=r.village_code,
            village_name=r.village.name,
            status=r.status,
            status_label=r.get_status_display(),
            submitted_at=r.submitted_at,
        )
        for r in listing["page"]
    ]
    failed = posted and simulation is None
    return render(
        request,
        "registrations/public/village.html",
        {
            **_form_context(form, simulation, month),
            **listing,
            "rows": rows,
            "statuses": Status.choices,
            "channel": channel,
        },
        status=400 if failed or list_status != 200 else 200,
    )
