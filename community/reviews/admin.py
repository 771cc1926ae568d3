from django.contrib import admin

from community.moderation.admin_actions import HiddenFilter, hide_content, is_hidden, restore_content
from community.reviews.models import Rating, Review


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("user", "movie", "score", "updated_at")
    raw_id_fields = ("user", "movie")
    list_select_related = ("user", "movie")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("movie", "user", "source", "has_spoilers", "like_count", "created_at", is_hidden)
    list_filter = ("source", "has_spoilers", HiddenFilter)
    readonly_fields = ("hidden_at", "hidden_reason")
    actions = [hide_content, restore_content]
    search_fields = ("body", "movie__title", "user__username")
    raw_id_fields = ("user", "movie")
    list_select_related = ("user", "movie")
