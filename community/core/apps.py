from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "community.core"
    label = "core"

    def ready(self) -> None:
        from django.urls import register_converter

        from .lookups import NameConverter

        # Before any urls module is imported: every route that takes a username uses it.
        register_converter(NameConverter, "name")

        from . import pagecache
        from .views import home_stamp_fields

        # Registered here, not only passed by the view, so every process (workers too)
        # watches the tables the member's homepage shows.
        pagecache.register_stamp("home", home_stamp_fields)
