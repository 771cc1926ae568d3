from django.urls import path

from community.notifications.api import views

urlpatterns = [
    path("notifications/", views.NotificationsApi.as_view(), name="notifications"),
    path("notifications/unread-count/", views.UnreadCountApi.as_view(), name="notifications-unread-count"),
    path("notifications/read/", views.MarkReadApi.as_view(), name="notifications-read"),
    path("notifications/settings/", views.NotificationSettingsApi.as_view(), name="notification-settings"),
]
