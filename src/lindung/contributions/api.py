"""Public calculator endpoint: the simulator's numbers as JSON (no personal data, no login)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lindung.contributions.calculator import calculate_month
from lindung.contributions.inputs import InputErrors, parse_inputs
from lindung.contributions.results import CalculationError
from lindung.contributions.serializers import (
    CalculateQuerySerializer,
    CalculationErrorSerializer,
    CalculationSerializer,
)
from lindung.core.api import check_query_params


class CalculateView(APIView):
    """Contributions for one contribution month; same JSON as
    `lindung contributions calc --format json`. Amounts are whole Rupiah."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="contributions_calculate",
        parameters=[CalculateQuerySerializer],
        responses={200: CalculationSerializer, 400: CalculationErrorSerializer},
    )
    def get(self, request: Request) -> Response:
        try:
            check_query_params(request, CalculateQuerySerializer().fields)
        except ValidationError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            names = detail.get("unknown") or [detail.get("parameter", "")]
            message = str(detail.get("detail", exc))
            return Response(
                {"detail": message, "errors": {str(n): message for n in names}}, status=400
            )
        try:
            calc = calculate_month(**parse_inputs(request.query_params))
        except InputErrors as exc:
            return Response({"detail": str(exc), "errors": exc.errors}, status=400)
        except CalculationError as exc:
            return Response({"detail": str(exc), "errors": {}}, status=400)
        return Response(calc.as_dict())
