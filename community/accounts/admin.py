from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from community.accounts.models import User


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
