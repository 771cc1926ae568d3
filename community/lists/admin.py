from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from community.lists import services
from community.lists.models import FilmList, ListCollaborator, ListComment, ListEntry
from community.moderation.admin_actions import HiddenFilter, is_hidden, with_reason


class ListEntryInline(admin.TabularInline):
    model = ListEntry
    extra = 0
    raw_id_fields = ("movie", "added_by")


class ListCollaboratorInline(admin.TabularInline):
    model = ListCollaborator
    extra = 0
    raw_id_fields = ("member",)


@admin.register(FilmList)
class FilmListAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "visibility", "ranked", "collaborative", "updated_at")
    list_filter = ("visibility", "ranked", "collaborative")
    search_fields = ("title", "description", "owner__username")
    raw_id_fields = ("owner",)
    list_select_related = ("owner",)
    inlines = [ListEntryInline, ListCollaboratorInline]


@admin.action(description="Hide selected comments (asks for a reason)")
def hide_comments(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    def apply(obj: Any, reason: str) -> bool:
        services.comment_visibility_set(staff=request.user, comment=obj, reason=reason, hidden=True)  # type: ignore[arg-type]
        return True

    return with_reason(modeladmin, request, queryset, title="Hide comments", done="Hidden", apply=apply)


@admin.action(description="Restore selected hidden comments (asks for a reason)")
def restore_comments(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    def apply(obj: Any, reason: str) -> bool:
        services.comment_visibility_set(staff=request.user, comment=obj, reason=reason, hidden=False)  # type: ignore[arg-type]
        return True

    return with_reason(
        modeladmin,
        request,
        queryset.filter(hidden_at__isnull=False),
        title="Restore comments",
        done="Restored",
        apply=apply,
    )


@admin.register(ListComment)
class ListCommentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "author", "created_at", is_hidden)
    list_filter = (HiddenFilter,)
    search_fields = ("body", "author__username", "film_list__title")
    raw_id_fields = ("film_list", "author")
    list_select_related = ("author",)
    readonly_fields = ("hidden_at", "hidden_reason")
    actions = [hide_comments, restore_comments]
