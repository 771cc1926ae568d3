"""The REST API: versioned endpoints under /api/v1/, the OpenAPI schema and its docs.

Each app keeps its endpoints in its own `api/` folder; this file only mounts them.
"""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from community.core.api.views import api_not_found

v1 = [
    path("", include("community.accounts.api.urls")),
    path("", include("community.movies.api.urls")),
    path("", include("community.reviews.api.urls")),
    path("", include("community.discussions.api.urls")),
    path("", include("community.social.api.urls")),
    path("", include("community.studios.api.urls")),
    path("", include("recommender.api.urls")),
]

app_name = "api"
urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    # Unknown API paths (and ids that are not positive integers) answer JSON 404s.
    re_path(r"^v1/(?:[\s\S]*/)?$", api_not_found),
]
