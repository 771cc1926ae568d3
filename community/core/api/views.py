from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt


@csrf_exempt  # it changes nothing, and a CSRF failure page would be HTML
def api_not_found(request: HttpRequest, *args: object, **kwargs: object) -> JsonResponse:
    """Unknown API paths answer JSON, like every other API error, not the site's HTML page."""
    return JsonResponse({"detail": "Not found."}, status=404)
