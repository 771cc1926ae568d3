from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "community.core"
    label = "core"

    def ready(self) -> None:
        from . import pagecache
        from .views import home_stamp_fields

        # Registered here, not only passed by the view, so every process (workers too)
        # watches the tables the member's homepage shows.
        pagecache.register_stamp("home", home_stamp_fields)
