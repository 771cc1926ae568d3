from django.apps import AppConfig


class DiaryConfig(AppConfig):
    name = "community.diary"
    label = "diary"

    def ready(self) -> None:
        from community.diary.exports import register

        # the diary's sections of "download my data" (community/core/exports.py)
        register()
