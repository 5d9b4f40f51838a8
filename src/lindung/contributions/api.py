"""Public calculator endpoint: the simulator's numbers as JSON (no personal data, no login)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
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
            calc = calculate_month(**parse_inputs(request.query_params))
        except InputErrors as exc:
            return Response({"detail": str(exc), "errors": exc.errors}, status=400)
        except CalculationError as exc:
            return Response({"detail": str(exc), "errors": {}}, status=400)
        return Response(calc.as_dict())
