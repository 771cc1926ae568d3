from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown API paths answer JSON, like every other API error, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
