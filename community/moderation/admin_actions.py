"""Admin actions that ask staff for a reason on an intermediate page, then call a service.

Used by the reports queue (this app's admin) and by the Review, Thread and Reply admins.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse

from community.moderation import services
from community.moderation.models import REASON_MAX_LENGTH


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Kept in the audit log; the author sees it for a hidden post.",
    )


def with_reason(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    title: str,
    done: str,
    apply: Callable[[Any, str], bool],
) -> TemplateResponse | None:
    """Show the reason page; once it is posted with a reason, call ``apply(obj, reason)`` on each
    selected row (it says whether it changed something) and report how many it changed."""
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        changed, refused = 0, []
        for obj in queryset:
            try:
                changed += bool(apply(obj, form.cleaned_data["reason"]))
            except (PermissionDenied, ValidationError) as exc:
                refused.append(f"{obj}: {' '.join(getattr(exc, 'messages', [str(exc)]))}")
        modeladmin.message_user(request, f"{done}: {changed}.", messages.SUCCESS)
        for line in refused:
            modeladmin.message_user(request, line, messages.ERROR)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "objects": list(queryset[:50]),
        "count": queryset.count(),
        "form": form,
        "action": request.POST.get("action", ""),
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "admin/moderation/reason.html", context)


@admin.action(description="Hide selected posts (asks for a reason)")
def hide_content(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    def apply(obj: Any, reason: str) -> bool:
        services.content_hide(staff=request.user, target=obj, reason=reason)  # type: ignore[arg-type]
        return True

    return with_reason(modeladmin, request, queryset, title="Hide posts", done="Hidden", apply=apply)


@admin.action(description="Restore selected hidden posts (asks for a reason)")
def restore_content(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    def apply(obj: Any, reason: str) -> bool:
        services.content_restore(staff=request.user, target=obj, reason=reason)  # type: ignore[arg-type]
        return True

    return with_reason(
        modeladmin,
        request,
        queryset.filter(hidden_at__isnull=False),
        title="Restore posts",
        done="Restored",
        apply=apply,
    )


class HiddenFilter(admin.SimpleListFilter):
    title = "moderation"
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", "Hidden"), ("no", "Visible")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.display(boolean=True, description="hidden")
def is_hidden(obj: Any) -> bool:
    return obj.hidden_at is not None
