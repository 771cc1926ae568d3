"""The REST API: versioned endpoints under /api/v1/, the OpenAPI schema and its docs.

Each app keeps its endpoints in its own `api/` folder; this file only mounts them.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from community.core.api.views import api_not_found

v1 = [
    path("", include("community.accounts.api.urls")),
    path("", include("community.movies.api.urls")),
    path("", include("community.reviews.api.urls")),
    path("", include("community.discussions.api.urls")),
    path("", include("community.social.api.urls")),
    path("", include("community.moderation.api.urls")),
    path("", include("community.studios.api.urls")),
    path("", include("community.diary.api.urls")),
    path("", include("community.lists.api.urls")),
    path("", include("community.notifications.api.urls")),
    path("", include("recommender.api.urls")),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The docs pages run third-party bundles (drf-spectacular-sidecar) under the site's policy
    # (their templates in templates/drf_spectacular/ keep no inline styles). Swagger UI needs nothing
    # more: the split view serves its start script from a URL instead of writing it inline.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Redoc writes its styles into <style> elements at run time (styled-components) and builds its
    # search worker from a blob: URL made by its own bundle, so this page alone allows inline styles
    # and blob: workers; its scripts stay 'self' only. Its footer logo from cdn.redoc.ly stays
    # blocked on purpose (nothing is loaded from a CDN); Redoc hides the logo when it fails to load.
    path(
        "redoc/",
        csp_update({"style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema")
        ),
        name="redoc",
    ),
    # Unknown API paths (and ids that are not positive integers) answer JSON 404s.
    re_path(r"^v1/(?:[\s\S]*/)?$", api_not_found),
]
