from django.urls import path

from community.social import views

app_name = "social"

urlpatterns = [
    path("watchlist/", views.watchlist, name="watchlist"),
    path("movies/<slug:slug>/watchlist/", views.watchlist_toggle, name="watchlist_toggle"),
    path("u/<name:username>/follow/", views.follow_toggle, name="follow"),
    path("feed/", views.feed, name="feed"),
]
