from django.apps import AppConfig


class StudiosConfig(AppConfig):
    name = "community.studios"
    label = "studios"
