"""The browsable API (what a browser gets from /api/v1/...), made safe for every view."""

from __future__ import annotations

from typing import Any

from rest_framework import renderers


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's HTML renderer, whose filter form is built only for views that filter a queryset
    they declare.

    DRF asks every list answer's view for its queryset to draw the filter form, even a view
    with no filter backends or one that answers a merged list (the feed, recommendation rows):
    such views have no queryset, so a browser (``Accept: text/html``) got a 500.
    """

    def get_filter_form(self, data: Any, view: Any, request: Any) -> str | None:
        # Not at the top: APIView reads the renderer setting while rest_framework.views loads.
        from rest_framework import generics

        if not getattr(view, "filter_backends", None):
            return None
        declares_queryset = getattr(view, "queryset", None) is not None or (
            type(view).get_queryset is not generics.GenericAPIView.get_queryset
        )
        if not declares_queryset:
            return None
        return super().get_filter_form(data, view, request)
