from django.urls import path

from recommender.insight.api import views

urlpatterns = [
    path(
        "studios/<slug:studio_slug>/portfolio/", views.StudioPortfolioApi.as_view(), name="studio-portfolio"
    ),
    path(
        "studios/<slug:studio_slug>/films/<int:movie_id>/insight/",
        views.StudioFilmInsightApi.as_view(),
        name="studio-film-insight",
    ),
    path("studios/<slug:studio_slug>/compare/", views.StudioCompareApi.as_view(), name="studio-compare"),
]
