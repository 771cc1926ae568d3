from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from community.accounts.models import User
from community.core import health, pagecache
from community.core.viewutils import template_tag_available
from community.movies import selectors as movie_selectors
from community.reviews import selectors as review_selectors
from community.reviews.models import Rating, Review, ReviewLike

RECENT_REVIEWS_SECONDS = 30


def _recent_reviews() -> list:
    """The same for every visitor, so computed at most every 30 s per process."""

    def compute() -> list:
        recent = list(review_selectors.recent_reviews(limit=6))
        if len(recent) < 6:  # a young site: fill up with the imported critic snippets
            recent += review_selectors.critic_highlights(limit=6 - len(recent))
        return recent

    # get_or_set() returns compute()'s list when the key is missing: `or []` only narrows the type.
    return cache.get_or_set("home:recent-reviews", compute, RECENT_REVIEWS_SECONDS) or []


def home_stamp_fields() -> dict[str, object]:
    """What a member's homepage shows of their own: ratings, reviews, likes, favourite genres."""
    favourites = User.favourite_genres.through.objects
    return {
        "rated": pagecache.activity(Rating.objects, "updated_at"),
        "reviewed": pagecache.activity(Review.objects, "updated_at"),
        "liked": pagecache.activity(ReviewLike.objects, "created_at"),
        "genres": pagecache.activity(favourites, "genre_id"),
    }


def home(request: HttpRequest) -> HttpResponse:
    """Members get their page from the cache until anything on it changes (see pagecache)."""
    if request.user.is_authenticated:
        return pagecache.cached_member_page(
            request,
            "home",
            home_stamp_fields,
            lambda: _home_render(request),
            shared_seconds=RECENT_REVIEWS_SECONDS,
        )
    return _home_render(request)


def _home_render(request: HttpRequest) -> HttpResponse:
    user = request.user
    recent = _recent_reviews()
    context: dict[str, object] = {
        "recent_reviews": recent,
        "liked_ids": review_selectors.liked_review_ids(user=user, review_ids=[r.pk for r in recent]),
    }
    if user.is_authenticated:
        use_tag = template_tag_available("recommender", "recommendation_rows")
        favourite = list(user.favourite_genres.all())
        context.update(
            {
                "needs_onboarding": user.onboarded_at is None,
                # Filled by the recommender's template tag once it exists; see templates/home.html.
                "use_recommendation_tag": use_tag,
                "favourite_genres": favourite,
                # Shown instead of recommendations while a member has none yet (or without the tag).
                # Lazy: computed only if the page shows it (no recommendations yet).
                "for_you": SimpleLazyObject(
                    lambda: movie_selectors.popular_movies(
                        limit=12, genres=favourite or None, exclude_user=user
                    )
                ),
            }
        )
    else:
        context.update(
            {
                "popular": movie_selectors.popular_movies(limit=12),
                "well_rated": movie_selectors.well_rated_movies(limit=12),
            }
        )
    return render(request, "home.html", context)


def _is_staff(request: HttpRequest) -> bool:
    try:
        return bool(request.user.is_staff)
    except (OperationalError, InterfaceError):  # the session or the user lives in the database
        return False


def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the site can serve (database, broker and cache answer), else 503.

    Everyone sees each part's status; staff also see error texts, timings, queue lengths and
    model details. Models still warming up do not make it fail.
    """
    serving, report = health.site_health()
    body: dict[str, object] = {"status": "ok" if serving else "unavailable"}
    body.update(report if _is_staff(request) else health.public_view(report))
    response = JsonResponse(body, status=200 if serving else 503)
    response["Cache-Control"] = "no-store"
    return response
