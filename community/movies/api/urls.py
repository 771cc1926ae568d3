from django.urls import path

from community.movies.api import views

urlpatterns = [
    path("movies/", views.MovieListApi.as_view(), name="movie-list"),
    path("movies/<int:movie_id>/", views.MovieDetailApi.as_view(), name="movie-detail"),
    path("genres/", views.GenreListApi.as_view(), name="genre-list"),
]
