from django.contrib import admin

from community.discussions.models import Reply, Thread


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    raw_id_fields = ("author",)


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("title", "movie", "author", "reply_count", "last_activity_at")
    search_fields = ("title", "body")
    raw_id_fields = ("movie", "author")
    inlines = [ReplyInline]
