from django.urls import path

from community.diary.api import views
from community.diary.api.stats import StatsApi

urlpatterns = [
    path("diary/", views.DiaryApi.as_view(), name="diary"),
    path("diary/<int:entry_id>/", views.DiaryEntryApi.as_view(), name="diary-entry"),
    path("diary/stats/", StatsApi.as_view(), name="diary-stats"),
    path("diary/imports/", views.ImportApi.as_view(), name="diary-imports"),
    path("diary/imports/<int:job_id>/", views.ImportJobApi.as_view(), name="diary-import"),
    path(
        "diary/imports/<int:job_id>/unmatched/<int:index>/",
        views.ImportResolveApi.as_view(),
        name="diary-import-resolve",
    ),
    path("users/<name:username>/tags/", views.UserTagCloudApi.as_view(), name="user-tags"),
    path("users/<name:username>/tags/<name:tag>/", views.UserTaggedFilmsApi.as_view(), name="user-tag"),
]
