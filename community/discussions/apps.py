from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "community.discussions"
    label = "discussions"
