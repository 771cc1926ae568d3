from django.urls import path

from . import views

urlpatterns = [
    path("ask/", views.AskApi.as_view(), name="ask"),
    path("ask/turns/<int:turn_id>/", views.AskTurnApi.as_view(), name="ask-turn"),
    path("ask/turns/<int:turn_id>/broaden/", views.AskBroadenApi.as_view(), name="ask-broaden"),
]
