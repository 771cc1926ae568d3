from django.contrib import admin
from django.urls import include, path

from community.accounts import views as accounts_views
from community.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    # The admin's login behind the site-wide login throttle (the lockout holds in the backend).
    path("admin/login/", accounts_views.admin_login),
    path("admin/", admin.site.urls),
    path("api/", include("community.api_urls")),
    # The website (server-rendered pages), one include per community app.
    path("", include("community.accounts.urls")),
    path("", include("community.movies.urls")),
    path("", include("community.reviews.urls")),
    path("", include("community.discussions.urls")),
    path("", include("community.social.urls")),
    path("", include("community.moderation.urls")),
    path("", include("community.diary.urls")),
    path("", include("community.lists.urls")),
    path("", include("community.notifications.urls")),
    path("studio/", include("community.studios.urls", namespace="studios")),
    path("", include("recommender.urls")),
]
