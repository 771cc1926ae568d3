from django.urls import path

from recommender.audiences.api import views

urlpatterns = [
    path("movies/<int:movie_id>/audiences/", views.MovieAudiencesApi.as_view(), name="movie-audiences"),
]
