from django.urls import path

from community.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notification_list, name="index"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.settings_update, name="settings"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path(
        "notifications/digest/unsubscribe/<str:token>/", views.digest_unsubscribe, name="digest_unsubscribe"
    ),
]
