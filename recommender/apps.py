from django.apps import AppConfig


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self) -> None:
        from community.core import pagecache

        from . import receivers  # noqa: F401  (connects to community.core.events)
        from .selectors import recommendation_rows_stamp_fields

        # The homepage shows this member's rows: its cached copy is stale when they change.
        pagecache.register_stamp("home", recommendation_rows_stamp_fields)
