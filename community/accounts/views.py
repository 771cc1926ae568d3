from __future__ import annotations

import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from community.accounts import selectors, services
from community.accounts.forms import (
    AccountDeleteForm,
    LoginForm,
    OnboardingGenresForm,
    PasswordChangeForm,
    PrivacyForm,
    ProfileForm,
    SignupForm,
)
from community.accounts.lockout import AccountLocked
from community.core.api.throttles import LoginRateThrottle, SignupRateThrottle, throttle_web
from community.core.members import signed_in_member
from community.core.viewutils import add_service_errors, call_service, paginate, template_tag_available
from community.movies.selectors import onboarding_movies
from community.reviews import selectors as review_selectors
from community.reviews.forms import SCORE_CHOICES
from community.social import selectors as social_selectors


def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST":
        wait = throttle_web(request, SignupRateThrottle())
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait).replace("attempts", "new accounts"))
            return _too_many(request, "accounts/signup.html", {"form": form}, wait)
    if request.method == "POST" and form.is_valid():
        user = call_service(
            form,
            services.user_signup,
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            site_url=request.build_absolute_uri("/"),
        )
        if user is not None:
            login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
            messages.success(
                request, f"Welcome to CineCircle, {user.username}! Rate a few movies to get started."
            )
            if user.email:
                messages.info(request, f"We sent a link to {user.email}: follow it to verify your address.")
            return redirect("accounts:onboarding")
    return render(request, "accounts/signup.html", {"form": form})


def _too_many(request: HttpRequest, template: str, context: dict, wait: int) -> HttpResponse:
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(wait)
    return response


def _throttled_message(wait: int) -> str:
    minutes = max(1, -(-wait // 60))
    return f"Too many attempts from your network. Try again in {minutes} minute{'s' if minutes != 1 else ''}."


class LoginView(auth_views.LoginView):
    """Django's login, behind the per-address throttle; the account lockout lives in the backend."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        wait = throttle_web(request, LoginRateThrottle())
        if wait:
            form = self.get_form()
            form.add_error(None, _throttled_message(wait))
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="locked"):
            response.status_code = 429
        return response


def admin_login(request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin's login form behind the same per-address throttle as every other login."""
    if request.method == "POST":
        wait = throttle_web(request, LoginRateThrottle())
        if wait:
            response = HttpResponse(_throttled_message(wait), status=429, content_type="text/plain")
            response["Retry-After"] = str(wait)
            return response
    return admin.site.login(request, extra_context)


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST":
        wait = throttle_web(request, LoginRateThrottle())
        if wait:
            form.is_valid()
            form.add_error(None, _throttled_message(wait))
            return _too_many(request, "accounts/password_change.html", {"form": form}, wait)
    if request.method == "POST" and form.is_valid():
        try:
            user = call_service(
                form,
                services.user_password_change,
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password1"],
            )
        except AccountLocked as exc:
            form.add_error(None, str(exc))
            return _too_many(request, "accounts/password_change.html", {"form": form}, exc.seconds)
        if user is not None:
            update_session_auth_hash(request, user)
            messages.success(request, "Your password was changed. Your API tokens were revoked.")
            return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form})


@login_required
def settings_view(request: HttpRequest) -> HttpResponse:
    user = signed_in_member(request)
    initial = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "bio": user.bio,
        "favourite_genres": list(user.favourite_genres.all()),
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        pending_before = user.pending_email
        saved = call_service(
            form,
            services.profile_update,
            user=user,
            site_url=request.build_absolute_uri("/"),
            **form.cleaned_data,
        )
        if saved is not None:
            messages.success(request, "Your profile was saved.")
            if saved.pending_email and saved.pending_email != pending_before:
                messages.info(
                    request,
                    f"We sent a link to {saved.pending_email}: your address changes once you follow it.",
                )
            return redirect("accounts:settings")
    privacy_form = PrivacyForm(initial=selectors.privacy_choices(user=user))
    context = {"form": form, "privacy_form": privacy_form, "daily_posts": settings.UNVERIFIED_DAILY_POSTS}
    return render(request, "accounts/settings.html", context)


@login_required
@require_POST
def privacy_settings(request: HttpRequest) -> HttpResponse:
    """The settings page's "Who sees what" form; errors show inline on the settings page."""
    user = signed_in_member(request)
    privacy_form = PrivacyForm(request.POST)
    if privacy_form.is_valid():
        saved = call_service(
            privacy_form, services.profile_privacy_update, user=user, **privacy_form.cleaned_data
        )
        if saved is not None:
            messages.success(request, "Your privacy choices were saved.")
            return redirect(reverse("accounts:settings") + "#privacy-h")
    user.refresh_from_db()  # the profile form shows what is saved, not this refused request
    form = ProfileForm(
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "bio": user.bio,
            "favourite_genres": list(user.favourite_genres.all()),
        }
    )
    context = {"form": form, "privacy_form": privacy_form, "daily_posts": settings.UNVERIFIED_DAILY_POSTS}
    return render(request, "accounts/settings.html", context, status=400)


@login_required
@require_POST
def export(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    data = services.account_export(user=member)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="cinecircle-{member.pk}.json"'
    return response


@login_required
def delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = signed_in_member(request)
        try:
            services.account_delete_confirmed(user=user, password=form.cleaned_data["password"])
        except AccountLocked as exc:
            form.add_error(None, str(exc))
            return _too_many(request, "accounts/delete.html", {"form": form}, exc.seconds)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            logout(request)  # its sessions are gone already; this one's cookie goes too
            messages.success(request, "Your account and everything you wrote were deleted.")
            return redirect("home")
    return render(request, "accounts/delete.html", {"form": form}, status=400 if form.errors else 200)


PROFILE_WATCHLIST_LENGTH = 24


def profile(request: HttpRequest, username: str) -> HttpResponse:
    person = selectors.user_get_public(username=username)
    visible = selectors.profile_visibility(viewer=request.user, owner=person)
    reviews = list(review_selectors.user_reviews(user=person, viewer=request.user)[:5])
    context = {
        "person": person,
        "visible": visible,
        "stats": selectors.user_stats(user=person, with_average=visible.ratings),
        "histogram": review_selectors.user_rating_histogram(user=person) if visible.ratings else [],
        "ratings": paginate(request, review_selectors.user_ratings(user=person), per_page=24)
        if visible.ratings
        else None,
        "watchlist": list(social_selectors.watchlist_items(user=person)[:PROFILE_WATCHLIST_LENGTH])
        if visible.watchlist
        else None,
        # The recommender fills the taste slot when installed; its tag asks `visible` again itself.
        "use_taste_tag": visible.taste and template_tag_available("recommender", "taste_summary"),
        "reviews": reviews,
        "liked_ids": review_selectors.liked_review_ids(user=request.user, review_ids=[r.pk for r in reviews]),
        "is_self": request.user.is_authenticated and request.user.pk == person.pk,
        "is_following": social_selectors.is_following(follower=request.user, followee=person),
    }
    return render(request, "accounts/profile.html", context)


def follow_list(request: HttpRequest, username: str, which: str) -> HttpResponse:
    person = selectors.user_get_public(username=username)
    people = (
        social_selectors.followers_of(user=person)
        if which == "followers"
        else social_selectors.followed_by(user=person)
    )
    return render(
        request,
        "accounts/follow_list.html",
        {"person": person, "which": which, "page": paginate(request, people, per_page=48)},
    )


@login_required
def onboarding(request: HttpRequest) -> HttpResponse:
    """Rate at least five movies from a varied grid so recommendations have a start."""
    user = signed_in_member(request)
    movies = onboarding_movies()
    scores = review_selectors.scores_by_movie(user=user, movie_ids=[m.pk for m in movies])
    selected = {movie_id: f"{score:.1f}" for movie_id, score in scores.items()}
    error = ""
    genre_form = OnboardingGenresForm(
        request.POST or None, initial={"favourite_genres": user.favourite_genres.all()}
    )
    if request.method == "POST":
        posted: dict[int, str] = {}
        for key, value in request.POST.items():
            if key.startswith("rating_") and key[7:].isdigit() and isinstance(value, str) and value:
                posted[int(key[7:])] = value
        selected.update(posted)
        genres = genre_form.cleaned_data["favourite_genres"] if genre_form.is_valid() else None
        try:
            services.onboarding_complete(user=user, scores=posted, favourite_genres=genres)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Thanks! Your homepage now starts from your ratings.")
            return redirect("home")
    rated = user.ratings.count()
    context = {
        "movies": movies,
        "genre_form": genre_form,
        "selected": selected,
        "error": error,
        "rated": rated,
        "needed": max(0, services.ONBOARDING_MIN_RATINGS - rated),
        "minimum": services.ONBOARDING_MIN_RATINGS,
        "score_choices": SCORE_CHOICES,
        "skip_url": reverse("home"),
    }
    return render(request, "accounts/onboarding.html", context, status=400 if error else 200)
