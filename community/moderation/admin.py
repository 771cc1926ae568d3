"""The reports queue and the audit log, in the Django admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from community.moderation import services
from community.moderation.admin_actions import with_reason
from community.moderation.models import Kind, ModerationAction, Report

EXCERPT_WORDS = 20


class KindFilter(admin.SimpleListFilter):
    title = "kind"
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return Kind.choices

    def queryset(self, request, queryset):
        if self.value() in Kind.values:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


def _reports_on_same_post(field: str) -> Subquery:
    return Subquery(
        Report.objects.filter(**{field: OuterRef(field)})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("id", "target_excerpt", "kind_label", "reason", "reporter_count", "created_at", "status")
    list_display_links = ("id",)
    list_filter = ("status", "reason", KindFilter)
    search_fields = (
        "note",
        "reporter__username",
        "review__body",
        "thread__title",
        "thread__body",
        "reply__body",
        "list_comment__body",
    )
    list_select_related = ("review", "thread", "reply", "list_comment")
    date_hierarchy = "created_at"
    actions = ["hide_reported_content", "dismiss_reports"]
    fields = (
        "target_link",
        "kind_label",
        "reason",
        "note",
        "reporter",
        "created_at",
        "status",
        "resolved_at",
        "resolved_by",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Report]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                reporters=Coalesce(
                    _reports_on_same_post("review"),
                    _reports_on_same_post("thread"),
                    _reports_on_same_post("reply"),
                    _reports_on_same_post("list_comment"),
                    0,
                )
            )
        )

    # Reports come from members; staff close them through the actions, never edit them.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    @admin.display(description="post")
    def target_excerpt(self, report: Report) -> str:
        target = report.target
        if target is None:
            return "(gone)"
        text = services.target_text(target)
        hidden = " [hidden]" if target.hidden_at is not None else ""
        return Truncator(text).words(EXCERPT_WORDS) + hidden

    @admin.display(description="post")
    def target_link(self, report: Report) -> str:
        target = report.target
        if target is None:
            return "(gone)"
        meta = target._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[target.pk])
        return format_html('<a href="{}">{}</a><br>{}', url, str(target), services.target_text(target))

    @admin.display(description="kind")
    def kind_label(self, report: Report) -> str:
        return Kind(report.kind).label

    @admin.display(description="reports", ordering="reporters")
    def reporter_count(self, report: Report) -> int:
        return getattr(report, "reporters", 1)

    @admin.action(description="Hide content (asks for a reason)")
    def hide_reported_content(self, request: HttpRequest, queryset: QuerySet[Report]):
        def apply(report: Report, reason: str) -> bool:
            target = report.target
            if target is None or target.hidden_at is not None:
                return False
            services.content_hide(staff=request.user, target=target, reason=reason)  # type: ignore[arg-type]
            return True

        return with_reason(
            self, request, queryset, title="Hide reported content", done="Posts hidden", apply=apply
        )

    @admin.action(description="Dismiss report (asks for a reason)")
    def dismiss_reports(self, request: HttpRequest, queryset: QuerySet[Report]):
        def apply(report: Report, reason: str) -> bool:
            return services.report_dismiss(staff=request.user, report=report, reason=reason) is not None  # type: ignore[arg-type]

        return with_reason(
            self, request, queryset, title="Dismiss reports", done="Reports dismissed", apply=apply
        )


@admin.register(ModerationAction)
class ModerationActionAdmin(admin.ModelAdmin):
    """The audit log: readable by staff, changeable by nobody (superusers included)."""

    list_display = (
        "created_at",
        "actor_username",
        "action",
        "kind",
        "object_id",
        "author_username",
        "short_reason",
        "report_count",
    )
    list_filter = ("action", "kind")
    search_fields = ("actor_username", "author_username", "reason", "snapshot")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "actor_username",
        "action",
        "kind",
        "object_id",
        "author_username",
        "reason",
        "snapshot",
        "report_count",
    )
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def get_actions(self, request: HttpRequest) -> dict:
        return {}  # not even "delete selected"

    @admin.display(description="reason")
    def short_reason(self, entry: ModerationAction) -> str:
        return Truncator(entry.reason).chars(80)
