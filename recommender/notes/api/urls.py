from django.urls import path

from recommender.notes.api import views

urlpatterns = [
    path("movies/<int:movie_id>/notes/", views.MovieNotesApi.as_view(), name="movie-notes"),
]
