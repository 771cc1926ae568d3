"""Included under "studio/" (namespace "studios"). /studio/ and /studio/<slug>/ belong to the
console in recommender/insight; this app owns only the members pages
(and the studio settings form on them)."""

from django.urls import path

from community.studios import views

app_name = "studios"

urlpatterns = [
    path("<slug:slug>/members/", views.members, name="members"),
    path("<slug:slug>/members/<int:user_id>/remove/", views.member_remove, name="member_remove"),
    path("<slug:slug>/members/settings/", views.settings_update, name="settings"),
]
