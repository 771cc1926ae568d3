from django.urls import path

from community.social.api import views

urlpatterns = [
    path("me/watchlist/", views.WatchlistApi.as_view(), name="watchlist"),
    path("me/watchlist/<int:movie_id>/", views.WatchlistItemApi.as_view(), name="watchlist-item"),
    path("me/following/", views.FollowingApi.as_view(), name="following"),
    path("me/following/<name:username>/", views.FollowingItemApi.as_view(), name="following-item"),
    path("me/followers/", views.FollowersApi.as_view(), name="followers"),
    path("me/feed/", views.FeedApi.as_view(), name="feed"),
]
