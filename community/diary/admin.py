from django.contrib import admin

from community.diary.models import DiaryEntry, ImportJob, LikedFilm, Tag


@admin.register(DiaryEntry)
class DiaryEntryAdmin(admin.ModelAdmin):
    list_display = ("user", "movie", "watched_on", "rating", "rewatch", "visibility")
    raw_id_fields = ("user", "movie", "review")
    list_filter = ("visibility", "rewatch")


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("slug",)


@admin.register(LikedFilm)
class LikedFilmAdmin(admin.ModelAdmin):
    list_display = ("user", "movie", "liked", "created_at")
    raw_id_fields = ("user", "movie")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("user", "filename", "status", "processed", "total", "created_at")
    raw_id_fields = ("user",)
    exclude = ("rows",)
