from django.urls import path

from community.movies import views

app_name = "movies"

urlpatterns = [
    path("movies/", views.movie_list, name="list"),
    path("movies/<slug:slug>/", views.movie_detail, name="detail"),
]
