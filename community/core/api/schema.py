"""OpenAPI helpers: the error bodies every endpoint may answer with, added to each operation."""

from __future__ import annotations

from typing import Any

ERROR_COMPONENTS: dict[str, dict[str, Any]] = {
    "ErrorDetail": {
        "type": "object",
        "description": "A single error message (401, 403, 404, 429, and 400 for malformed JSON).",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "FieldErrors": {
        "type": "object",
        "description": (
            "Bad input: each key is a field name (or `non_field_errors`, or `detail` for a body "
            "that is not valid JSON) with a list of messages."
        ),
        "additionalProperties": {},
    },
}

_DETAIL = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}}
_FIELDS = {"application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}}
ERROR_RESPONSES: dict[str, dict[str, Any]] = {
    "400": {"description": "Bad input, with field errors", "content": _FIELDS},
    "401": {"description": "Not authenticated, or an invalid token", "content": _DETAIL},
    "403": {"description": "Not allowed", "content": _DETAIL},
    "404": {"description": "Not found", "content": _DETAIL},
    "429": {"description": "Too many requests (throttled)", "content": _DETAIL},
}

UNSUPPORTED_MEDIA_TYPE = {"description": "The body is not JSON, form or multipart data", "content": _DETAIL}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the error answers of every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(ERROR_COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            for status, response in ERROR_RESPONSES.items():
                responses.setdefault(status, response)
            if "requestBody" in operation:
                responses.setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result
