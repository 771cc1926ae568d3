from django.apps import AppConfig


class MoviesConfig(AppConfig):
    name = "community.movies"
    label = "movies"
