from django.apps import AppConfig


class ListsConfig(AppConfig):
    name = "community.lists"
    label = "lists"

    def ready(self) -> None:
        from community.lists.exports import register

        # the member's lists, entries, likes and comments in "download my data"
        register()
