from django.contrib import admin

from community.movies.models import Credit, Genre, Movie, Person


@admin.register(Genre)
class GenreAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ("person",)


@admin.register(Movie)
class MovieAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "rating_count", "rating_average", "review_count")
    list_filter = ("genres",)
    search_fields = ("title", "director_names", "cast_names", "imdb_id")
    readonly_fields = ("rating_count", "rating_average", "review_count", "created_at")
    filter_horizontal = ("genres",)
    inlines = [CreditInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    search_fields = ("name",)
