from django.urls import path

from community.studios.api import views

urlpatterns = [
    path("studios/", views.StudioListApi.as_view(), name="studio-list"),
    path("studios/<slug:studio_slug>/", views.StudioDetailApi.as_view(), name="studio-detail"),
    path("studios/<slug:studio_slug>/movies/", views.StudioMovieListApi.as_view(), name="studio-movies"),
]
