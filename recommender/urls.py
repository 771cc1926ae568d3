from django.urls import path

from recommender import views, views_llm

app_name = "recommender"

urlpatterns = [
    path("recommendations/feedback/", views.recommendation_feedback, name="feedback"),
    path("movies/<slug:slug>/ai/<name:panel>/", views_llm.generated_text_status, name="ai_status"),
    path("movies/<slug:slug>/ai/<name:panel>/ask/", views_llm.generated_text_ask, name="ai_ask"),
    path("movies/<slug:slug>/ai/<name:panel>/discard/", views_llm.generated_text_forget, name="ai_discard"),
]
