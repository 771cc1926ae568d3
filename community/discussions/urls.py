from django.urls import path

from community.discussions import views

app_name = "discussions"

urlpatterns = [
    path("discussions/", views.discussion_list, name="list"),
    path("discussions/<int:pk>/", views.thread_detail, name="thread"),
    path("discussions/<int:pk>/edit/", views.thread_edit, name="thread_edit"),
    path("discussions/<int:pk>/delete/", views.thread_delete, name="thread_delete"),
    path("discussions/replies/<int:pk>/edit/", views.reply_edit, name="reply_edit"),
    path("discussions/replies/<int:pk>/delete/", views.reply_delete, name="reply_delete"),
    path("movies/<slug:slug>/discussions/", views.movie_threads, name="movie"),
    path("movies/<slug:slug>/discussions/new/", views.thread_create, name="create"),
]
