from django.contrib import admin

from community.studios.models import Studio, StudioMembership


class MembershipInline(admin.TabularInline):
    model = StudioMembership
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("movies",)
    inlines = [MembershipInline]
