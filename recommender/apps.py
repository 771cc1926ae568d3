from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects to community.core.events)
