from django.urls import path

from community.reviews.api import views

urlpatterns = [
    path("movies/<int:movie_id>/reviews/", views.MovieReviewListApi.as_view(), name="movie-reviews"),
    path("movies/<int:movie_id>/rating/", views.MovieRatingApi.as_view(), name="movie-rating"),
    path("reviews/<int:review_id>/", views.ReviewDetailApi.as_view(), name="review-detail"),
    path("reviews/<int:review_id>/like/", views.ReviewLikeApi.as_view(), name="review-like"),
    path("reviews/<int:review_id>/similar/", views.ReviewSimilarApi.as_view(), name="review-similar"),
    path("me/ratings/", views.MyRatingListApi.as_view(), name="my-ratings"),
    path("users/<name:username>/reviews/", views.UserReviewListApi.as_view(), name="user-reviews"),
]
