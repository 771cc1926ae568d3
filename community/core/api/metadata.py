from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework.metadata import SimpleMetadata

if TYPE_CHECKING:  # DRF imports the metadata class while rest_framework.views is still loading
    from rest_framework.request import Request
    from rest_framework.views import APIView


class SchemaPointerMetadata(SimpleMetadata):
    """OPTIONS answers name, description and media types, and points at the OpenAPI schema.

    DRF's default also describes `actions` by fetching the object and the output serializer,
    which is wrong for views with separate input serializers; the schema is the real description.
    """

    def determine_metadata(self, request: Request, view: APIView) -> dict[str, Any]:
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        metadata["schema"] = "/api/schema/"
        return metadata

    def determine_actions(self, request: Request, view: APIView) -> dict[str, Any]:
        return {}
