from django.urls import path

from community.moderation.api import views

urlpatterns = [
    path("reports/", views.ReportCreateApi.as_view(), name="reports"),
]
