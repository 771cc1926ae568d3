from django.contrib import admin
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from community.studios.models import Studio, StudioMembership
from community.studios.selectors import studio_owner_count_subquery


class MembershipInline(admin.TabularInline):
    """Site staff assign owners here: add a member with the role "Owner"."""

    model = StudioMembership
    extra = 1
    raw_id_fields = ("user",)
    fields = ("user", "role")


class WithoutOwnerFilter(admin.SimpleListFilter):
    """Studios nobody owns, for example after their only owner deleted the account."""

    title = "owner"
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [("none", "Studios without owner"), ("some", "Studios with an owner")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(owner_count=0)
        if self.value() == "some":
            return queryset.filter(owner_count__gt=0)
        return queryset


def _count_of(model, field: str) -> Coalesce:
    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


@admin.register(Studio)
class StudioAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "film_count", "member_count", "owner_count", "show_spoiler_quotes")
    list_filter = (WithoutOwnerFilter, "show_spoiler_quotes")
    search_fields = ("name", "slug", "memberships__user__username", "memberships__user__email")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("movies",)
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Studio]:
        # Subqueries, not joined Counts: a studio has hundreds of films and a few members.
        return (
            super()
            .get_queryset(request)
            .annotate(
                film_total=_count_of(Studio.movies.through, "studio"),
                member_total=_count_of(StudioMembership, "studio"),
                owner_count=studio_owner_count_subquery(),
            )
        )

    @admin.display(description="films", ordering="film_total")
    def film_count(self, obj: Studio) -> int:
        return getattr(obj, "film_total", None) or 0

    @admin.display(description="members", ordering="member_total")
    def member_count(self, obj: Studio) -> int:
        return getattr(obj, "member_total", None) or 0

    @admin.display(description="owners", ordering="owner_count")
    def owner_count(self, obj: Studio) -> int:
        return getattr(obj, "owner_count", None) or 0
