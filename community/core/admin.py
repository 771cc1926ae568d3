from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from community.core.failures import failed_task_retry
from community.core.models import FailedTask


@admin.register(FailedTask)
class FailedTaskAdmin(admin.ModelAdmin):
    list_display = (
        "task_name",
        "exception_type",
        "short_message",
        "retries",
        "failures",
        "last_failed_at",
        "resolved",
    )
    list_filter = ("resolved", "task_name", "exception_type", "last_failed_at")
    search_fields = ("task_name", "task_id", "exception_type", "exception_message", "request_id")
    date_hierarchy = "last_failed_at"
    actions = ("retry_tasks", "mark_resolved")
    readonly_fields = (
        "task_name",
        "task_id",
        "args",
        "kwargs",
        "exception_type",
        "exception_message",
        "traceback",
        "retries",
        "failures",
        "request_id",
        "first_failed_at",
        "last_failed_at",
        "retried_at",
        "retried_as",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # rows come from failing tasks only

    @admin.display(description="message")
    def short_message(self, obj: FailedTask) -> str:
        first = (obj.exception_message or "").strip().splitlines()[:1]
        return first[0][:120] if first else ""

    @admin.action(description="Retry: queue the selected tasks again with the same arguments")
    def retry_tasks(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        queued, errors = 0, []
        for failed in queryset:
            try:
                failed_task_retry(failed_task=failed)
            except Exception as exc:  # the broker may be down: say so, keep the row unresolved
                errors.append(f"{failed.task_name} [{failed.task_id}]: {type(exc).__name__}: {exc}")
            else:
                queued += 1
        if queued:
            self.message_user(request, f"Queued {queued} task(s) again.", messages.SUCCESS)
        for error in errors:
            self.message_user(request, f"Could not queue {error}", messages.ERROR)

    @admin.action(description="Mark as resolved (without retrying)")
    def mark_resolved(self, request: HttpRequest, queryset: QuerySet[FailedTask]) -> None:
        updated = queryset.update(resolved=True)
        self.message_user(request, f"Marked {updated} task(s) resolved.", messages.SUCCESS)
