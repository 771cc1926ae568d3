from django.urls import path

from recommender.predicted.api import views

urlpatterns = [
    path(
        "movies/<int:movie_id>/predicted-rating/", views.PredictedRatingApi.as_view(), name="predicted-rating"
    ),
]
