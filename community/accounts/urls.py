from django.contrib.auth import views as auth_views
from django.urls import path

from community.accounts import views, views_email, views_tokens

app_name = "accounts"

urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/password/reset/", views_email.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        views_email.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views_email.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        views_email.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/email/verify/<str:token>/", views_email.email_verify, name="email_verify"),
    path("accounts/email/resend/", views_email.email_verification_resend, name="email_resend"),
    path("accounts/email/cancel/", views_email.email_change_cancel, name="email_cancel"),
    path("accounts/settings/", views.settings_view, name="settings"),
    path("accounts/settings/privacy/", views.privacy_settings, name="privacy"),
    path("accounts/tokens/", views_tokens.token_list, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views_tokens.token_revoke, name="token_revoke"),
    path("accounts/export/", views.export, name="export"),
    path("accounts/delete/", views.delete, name="delete"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("u/<name:username>/", views.profile, name="profile"),
    path("u/<name:username>/followers/", views.follow_list, {"which": "followers"}, name="followers"),
    path("u/<name:username>/following/", views.follow_list, {"which": "following"}, name="following"),
]
