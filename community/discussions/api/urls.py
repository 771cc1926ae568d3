from django.urls import path

from community.discussions.api import views

urlpatterns = [
    path("movies/<int:movie_id>/threads/", views.MovieThreadListApi.as_view(), name="movie-threads"),
    path("threads/<int:thread_id>/", views.ThreadDetailApi.as_view(), name="thread-detail"),
    path("threads/<int:thread_id>/related/", views.ThreadRelatedApi.as_view(), name="thread-related"),
    path("threads/<int:thread_id>/replies/", views.ThreadReplyListApi.as_view(), name="thread-replies"),
    path("replies/<int:reply_id>/", views.ReplyDetailApi.as_view(), name="reply-detail"),
]
