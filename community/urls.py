from django.contrib import admin
from django.urls import include, path

from community.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("community.api_urls")),
    # The website (server-rendered pages), one include per community app.
    path("", include("community.accounts.urls")),
    path("", include("community.movies.urls")),
    path("", include("community.reviews.urls")),
    path("", include("community.discussions.urls")),
    path("", include("community.social.urls")),
    path("", include("recommender.urls")),
]
