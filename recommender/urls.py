from django.urls import path

from recommender import views, views_llm
from recommender.ask import views as ask_views
from recommender.audiences import views as audiences_views
from recommender.insight import views as insight_views

app_name = "recommender"

urlpatterns = [
    path("recommendations/feedback/", views.recommendation_feedback, name="feedback"),
    # Ask CineCircle (recommender/ask/).
    path("ask/", ask_views.ask, name="ask"),
    path("ask/broaden/", ask_views.broaden, name="ask_broaden"),
    path("ask/conversations/<int:conversation_id>/delete/", ask_views.conversation_delete, name="ask_delete"),
    path("ask/turns/<int:turn_id>/", ask_views.turn_status, name="ask_turn_status"),
    # The reviews behind a point of "What audiences say" (recommender/audiences/).
    path(
        "movies/<slug:slug>/audiences/<slug:point>/",
        audiences_views.audience_reviews,
        name="audience_reviews",
    ),
    path("movies/<slug:slug>/ai/<name:panel>/", views_llm.generated_text_status, name="ai_status"),
    path("movies/<slug:slug>/ai/<name:panel>/ask/", views_llm.generated_text_ask, name="ai_ask"),
    path("movies/<slug:slug>/ai/<name:panel>/discard/", views_llm.generated_text_forget, name="ai_discard"),
    # The studio console (recommender/insight/): /studio/<slug>/members/ belongs to community.studios.
    path("studio/", insight_views.studio_home, name="studio_home"),
    path("studio/<slug:slug>/", insight_views.portfolio, name="studio_portfolio"),
    path("studio/<slug:slug>/export.csv", insight_views.portfolio, name="studio_portfolio_csv"),
    path("studio/<slug:slug>/films/<int:movie_id>/", insight_views.film, name="studio_film"),
    path("studio/<slug:slug>/films/<int:movie_id>/export.csv", insight_views.film, name="studio_film_csv"),
    path("studio/<slug:slug>/compare/", insight_views.compare, name="studio_compare"),
    path("studio/<slug:slug>/compare/export.csv", insight_views.compare, name="studio_compare_csv"),
]
