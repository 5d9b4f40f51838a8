"""The OpenAPI schema's error answers (``REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]``)."""

from __future__ import annotations

from typing import Any

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    """Every error body is a JSON object: ``detail`` says what went wrong (Indonesian / English
    where Lindung writes it); a rejected field or parameter is a key with its messages."""

    detail = serializers.CharField(required=False)


ERROR_DESCRIPTIONS = {
    "400": "Bad input (a parameter, the cursor, the body) / Masukan tidak sah",
    "401": "Not authenticated / Belum masuk",
    "403": "Not allowed for this role / Tidak diizinkan untuk peran ini",
    "404": "Not found or outside your region scope / Tidak ada atau di luar wilayah Anda",
    "414": "Request line too long for the server (gunicorn's 4,094 bytes) / Alamat terlalu panjang",
    "429": "Too many requests / Terlalu banyak permintaan",
}


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema plus the error answers an operation can give: 400 (every
    operation checks its query parameters or body), 401 and 403 unless anyone may call it,
    404 with a path parameter, 414 for a request line longer than the server takes (the web
    server answers it before Django), 429 when throttled. Configured as
    ``DEFAULT_SCHEMA_CLASS``."""

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400"]
        permissions = self.view.get_permissions()
        if not any(isinstance(p, AllowAny) for p in permissions):
            codes += ["401", "403"]
        if "{" in self.path:
            codes.append("404")
        codes.append("414")
        if self.view.get_throttles():
            codes.append("429")
        for code in codes:
            if code not in responses:
                body = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                body["description"] = ERROR_DESCRIPTIONS[code]
                responses[code] = body
        return responses
