from django.urls import path

from community.studios.api import views

urlpatterns = [
    path("studios/", views.StudioListApi.as_view(), name="studio-list"),
    path("studios/<slug:studio_slug>/", views.StudioDetailApi.as_view(), name="studio-detail"),
    path("studios/<slug:studio_slug>/settings/", views.StudioSettingsApi.as_view(), name="studio-settings"),
    path("studios/<slug:studio_slug>/movies/", views.StudioMovieListApi.as_view(), name="studio-movies"),
    path("studios/<slug:studio_slug>/members/", views.StudioMemberListApi.as_view(), name="studio-members"),
    path(
        "studios/<slug:studio_slug>/members/<int:user_id>/",
        views.StudioMemberDetailApi.as_view(),
        name="studio-member-detail",
    ),
]
