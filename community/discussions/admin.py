from django.contrib import admin

from community.discussions.models import Reply, Thread
from community.moderation.admin_actions import HiddenFilter, hide_content, is_hidden, restore_content


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    raw_id_fields = ("author",)
    readonly_fields = ("hidden_at", "hidden_reason")


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "movie", "author", "reply_count", "last_activity_at", is_hidden)
    list_filter = (HiddenFilter,)
    search_fields = ("title", "body")
    raw_id_fields = ("movie", "author")
    list_select_related = ("movie", "author")
    readonly_fields = ("hidden_at", "hidden_reason")
    actions = [hide_content, restore_content]
    inlines = [ReplyInline]


@admin.register(Reply)
class ReplyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "created_at", is_hidden)
    list_filter = (HiddenFilter,)
    search_fields = ("body", "author__username", "thread__title")
    raw_id_fields = ("thread", "author")
    list_select_related = ("author", "thread")
    readonly_fields = ("hidden_at", "hidden_reason")
    actions = [hide_content, restore_content]
