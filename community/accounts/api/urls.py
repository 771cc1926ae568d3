from django.urls import path

from community.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("auth/signup/", views.SignupApi.as_view(), name="auth-signup"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/export/", views.MeExportApi.as_view(), name="me-export"),
    path("me/delete/", views.MeDeleteApi.as_view(), name="me-delete"),
]
