from django.urls import path

from community.accounts.api import views

urlpatterns = [
    path("auth/token/", views.TokenApi.as_view(), name="auth-token"),
    path("auth/signup/", views.SignupApi.as_view(), name="auth-signup"),
    path("me/", views.MeApi.as_view(), name="me"),
    path("me/tokens/", views.MeTokensApi.as_view(), name="me-tokens"),
    path("me/tokens/<int:token_id>/", views.MeTokenApi.as_view(), name="me-token"),
    path("me/email/resend/", views.MeEmailResendApi.as_view(), name="me-email-resend"),
    path("me/export/", views.MeExportApi.as_view(), name="me-export"),
    path("me/delete/", views.MeDeleteApi.as_view(), name="me-delete"),
    path("me/password/", views.PasswordChangeApi.as_view(), name="me-password"),
    path("me/onboarding/", views.OnboardingCompleteApi.as_view(), name="me-onboarding"),
    path("users/<name:username>/", views.PublicProfileApi.as_view(), name="user-detail"),
    path("users/<name:username>/ratings/", views.UserRatingListApi.as_view(), name="user-ratings"),
    path("users/<name:username>/watchlist/", views.UserWatchlistApi.as_view(), name="user-watchlist"),
]
