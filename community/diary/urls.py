from django.urls import path

from community.diary import views

app_name = "diary"

urlpatterns = [
    path("diary/", views.my_diary, name="mine"),
    path("diary/log/<slug:slug>/", views.log, name="log"),
    path("diary/entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("diary/entries/<int:entry_id>/delete/", views.entry_delete, name="entry_delete"),
    path("diary/import/", views.import_upload, name="import"),
    path("diary/import/<int:job_id>/", views.import_job, name="import_job"),
    path("diary/import/<int:job_id>/status.json", views.import_status, name="import_status"),
    path("diary/import/<int:job_id>/resolve/<int:index>/", views.import_resolve, name="import_resolve"),
    path("diary/export/letterboxd/", views.export_letterboxd, name="export_letterboxd"),
    path("diary/stats/", views.my_stats, name="my_stats"),
    path("diary/stats/sharing/", views.stats_sharing, name="stats_sharing"),
    path("u/<name:username>/diary/", views.member_diary, name="member"),
    path("u/<name:username>/diary/stats/", views.stats_all_time, name="stats"),
    path("u/<name:username>/diary/year/<int:year>/", views.stats_year, name="stats_year"),
    path("u/<name:username>/tags/", views.tag_cloud, name="tags"),
    path("u/<name:username>/tags/<name:tag>/", views.films_by_tag, name="tag"),
]
