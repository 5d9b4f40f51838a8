"""Read-only registry API: region-scoped through the selectors, cursor-paginated, masked."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters.utils import translate_validation
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from lindung.core.api import check_body_keys, check_query_params
from lindung.core.permissions import HasCapability, has_capability
from lindung.core.roles import Capability
from lindung.core.schema import ErrorSerializer
from lindung.core.viewsets import ReadOnlyViewSet
from lindung.registry import selectors, services
from lindung.registry.filters import (
    EmployerFilter,
    MembershipFilter,
    PersonFilter,
    PersonListFilter,
)
from lindung.registry.models import Employer, Membership, Person
from lindung.registry.serializers import (
    EmployerDetailSerializer,
    EmployerSerializer,
    MembershipSerializer,
    PersonDetailSerializer,
    PersonSearchSerializer,
    PersonSerializer,
    RevealRequestSerializer,
)

CanViewEmployers = HasCapability.of(Capability.VIEW_EMPLOYERS)
CanViewPersons = HasCapability.of(Capability.VIEW_PERSONS)
CanReveal = HasCapability.of(Capability.REVEAL_PERSONAL_DATA)


class EmployerViewSet(ReadOnlyViewSet):
    """Employers within the caller's scope; the detail adds distinct workers active today per
    segment."""

    permission_classes = [CanViewEmployers]
    queryset = Employer.objects.none()  # for the schema only; rows come from the selector
    filterset_class = EmployerFilter
    lookup_field = "npp"

    def get_queryset(self) -> QuerySet[Employer]:
        return selectors.employers_for(self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return EmployerDetailSerializer if self.action == "retrieve" else EmployerSerializer

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        employer = self.get_object()
        counts = None
        if has_capability(request.user, Capability.VIEW_PERSONS):
            counts = selectors.active_workers(request.user, employer)
        context = {**self.get_serializer_context(), "active_workers": counts}
        return Response(EmployerDetailSerializer(employer, context=context).data)


class PersonViewSet(ReadOnlyViewSet):
    """Persons by domicile, masked. The list filters by ``name`` (at least 3 letters), ``q``
    (a name), ``sex`` and ``within``; a search by NIK is ``POST search/`` with the NIK in the
    body, since a URL lands in every web server's log (a NIK-like run in a query string is a
    400). Exact-NIK searches are audited."""

    permission_classes = [CanViewPersons]
    queryset = Person.objects.none()  # for the schema only; rows come from the selector
    filterset_class = PersonListFilter
    post_only_params = ("nik",)

    def get_queryset(self) -> QuerySet[Person]:
        return selectors.persons_for(self.request.user)

    def get_serializer_class(self) -> type[serializers.BaseSerializer]:
        return PersonDetailSerializer if self.action == "retrieve" else PersonSerializer

    @extend_schema(
        request=PersonSearchSerializer,
        responses={
            200: PersonSerializer(many=True),
            405: OpenApiResponse(
                ErrorSerializer, description="The next/previous link followed by GET: POST it"
            ),
        },
        filters=False,
    )
    @action(detail=False, methods=["post"])
    def search(self, request: Request) -> Response:
        """The list's search with the filters in a JSON body: ``{"nik": "…"}`` (exact),
        ``{"q": "…"}`` (a whole NIK or at least 3 letters of the name), ``name``, ``sex``,
        ``within``. Same scope and masking as the list; the next page is the same POST to the
        ``next`` link. An exact-NIK search writes an audit row, found or not."""
        paginator = self.paginator
        check_query_params(request, {paginator.cursor_query_param, paginator.page_size_query_param})
        check_body_keys(request.data, PersonSearchSerializer().fields)
        body = PersonSearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if v != ""}
        filterset = PersonFilter(data, queryset=self.get_queryset(), request=request)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        queryset = filterset.qs
        nik = filterset.looked_up_nik()
        if nik is not None:
            services.record_nik_lookup(
                actor=request.user, nik=nik, person=queryset.first(), channel="api"
            )
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        response["Cache-Control"] = "no-store"
        return response

    def _detail(self, person: Person, *, revealed: bool) -> Response:
        context = {
            **self.get_serializer_context(),
            "revealed": revealed,
            "memberships": selectors.membership_history(self.request.user, person),
        }
        response = Response(PersonDetailSerializer(person, context=context).data)
        if revealed:
            response["Cache-Control"] = "no-store"
        return response

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return self._detail(self.get_object(), revealed=False)

    @extend_schema(request=RevealRequestSerializer, responses=PersonDetailSerializer)
    @action(detail=True, methods=["post"], permission_classes=[CanViewPersons, CanReveal])
    def reveal(self, request: Request, pk: str | None = None) -> Response:
        """The person unmasked, for this response only; writes an audit row with the reason."""
        person = self.get_object()
        body = RevealRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            services.reveal_person(
                actor=request.user, person=person, reason=body.validated_data["reason"]
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"reason": error.messages}) from None
        return self._detail(person, revealed=True)


class MembershipViewSet(ReadOnlyViewSet):
    """Memberships by work region, masked; filter by ``employer`` (NPP), ``person``, ``segment``,
    ``funding``, ``active_on`` (date) and ``within`` (region code)."""

    permission_classes = [CanViewPersons]
    queryset = Membership.objects.none()  # for the schema only; rows come from the selector
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter

    def get_queryset(self) -> QuerySet[Membership]:
        return selectors.memberships_for(self.request.user)
