from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from community.accounts.forms import LockoutAdminAuthenticationForm
from community.accounts.models import ApiToken, LoginLockout, User

# The admin's login says so when the account is locked (the backend refuses it either way).
admin.site.login_form = LockoutAdminAuthenticationForm


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "kind", "email", "date_joined", "onboarded_at", "is_staff")
    list_filter = ("kind", "is_staff", "is_active")
    search_fields = ("username", "email", "external_id")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("CineCircle", {"fields": ("kind", "external_id", "bio", "favourite_genres", "onboarded_at")}),
    )
    filter_horizontal = ("favourite_genres", "groups", "user_permissions")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
    readonly_fields = ("user", "prefix", "key_hash", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False  # a key is only ever shown to its member, once


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    list_display = ("username_key", "failures", "last_failure_at")
    search_fields = ("username_key",)
