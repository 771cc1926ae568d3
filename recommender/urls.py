from django.urls import path

from recommender import views

app_name = "recommender"

urlpatterns = [
    path("recommendations/feedback/", views.recommendation_feedback, name="feedback"),
]
