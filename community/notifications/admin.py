from django.contrib import admin

from community.notifications.models import DigestSent, Notification, NotificationSettings


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("recipient", "actor", "verb", "created_at", "read_at", "emailed_at")
    list_filter = ("verb",)
    search_fields = ("recipient__username", "actor__username")
    list_select_related = ("recipient", "actor")
    raw_id_fields = ("recipient", "actor", "review", "reply", "list_comment", "invitation", "film_list")
    date_hierarchy = "created_at"


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ("user", "email_digest", "updated_at")
    list_filter = ("email_digest",)
    search_fields = ("user__username",)
    raw_id_fields = ("user",)


@admin.register(DigestSent)
class DigestSentAdmin(admin.ModelAdmin):
    list_display = ("user", "sent_at", "notification_count")
    search_fields = ("user__username",)
    raw_id_fields = ("user",)
