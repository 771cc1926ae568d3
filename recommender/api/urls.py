from django.urls import include, path

from recommender.api import views

urlpatterns = [
    path("me/recommendations/", views.RecommendationRowsApi.as_view(), name="recommendations"),
    path(
        "me/recommendations/feedback/",
        views.RecommendationFeedbackApi.as_view(),
        name="recommendation-feedback",
    ),
    path("me/taste-profile/", views.TasteProfileApi.as_view(), name="taste-profile"),
    path(
        "users/<name:username>/taste-profile/", views.UserTasteProfileApi.as_view(), name="user-taste-profile"
    ),
    path("movies/<int:movie_id>/similar/", views.SimilarMoviesApi.as_view(), name="similar-movies"),
    path("movies/<int:movie_id>/review-draft/", views.ReviewDraftRequestApi.as_view(), name="review-draft"),
    path(
        "movies/<int:movie_id>/discussion-suggestions/",
        views.DiscussionSuggestionsRequestApi.as_view(),
        name="discussion-suggestions",
    ),
    path(
        "generated-texts/<int:text_id>/", views.GeneratedTextDetailApi.as_view(), name="generated-text-detail"
    ),
    # The studio console's API (recommender/insight/api/).
    path("", include("recommender.insight.api.urls")),
    # The movie page's notes (recommender/notes/api/).
    path("", include("recommender.notes.api.urls")),
    # Ask CineCircle (recommender/ask/api/).
    path("", include("recommender.ask.api.urls")),
    # The movie page's "What audiences say" (recommender/audiences/api/).
    path("", include("recommender.audiences.api.urls")),
    # A member's predicted rating of a film (recommender/predicted/api/).
    path("", include("recommender.predicted.api.urls")),
]
