from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "community.notifications"
    label = "notifications"

    def ready(self) -> None:
        from community.core import pagecache
        from community.notifications.exports import register
        from community.notifications.selectors import home_stamp_fields

        # the member's notifications and digest choice in "download my data"
        register()
        # the homepage is cached per member and its navigation shows the unread count
        pagecache.register_stamp("home", home_stamp_fields)
