from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from community.core.viewutils import paginate, template_tag_available
from community.discussions.selectors import thread_list
from community.movies import selectors
from community.movies.forms import CatalogFilterForm
from community.reviews import selectors as review_selectors
from community.reviews.forms import SCORE_CHOICES, ReviewForm, typed_review_take
from community.reviews.selectors import REVIEW_ORDERS
from community.reviews.similar import attach_similar
from community.social.selectors import watchlisted_movie_ids


def movie_list(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    query = filters.get("q", "")
    movies = selectors.movie_list(
        query=query,
        genre=filters.get("genre"),
        year_min=filters.get("year_min"),
        year_max=filters.get("year_max"),
        sort=filters.get("sort", ""),
    )
    page = paginate(request, movies, per_page=24)
    movie_ids = [m.pk for m in page.object_list]
    context = {
        "form": form,
        "page": page,
        "query": query,
        "my_scores": review_selectors.scores_by_movie(user=request.user, movie_ids=movie_ids),
        "suggestions": selectors.movie_title_suggestions(query=query)
        if query and not page.object_list
        else [],
        "min_ratings_for_rating_sort": selectors.MIN_RATINGS_FOR_RATING_SORT,
    }
    return render(request, "movies/list.html", context)


def movie_detail(request: HttpRequest, slug: str) -> HttpResponse:
    movie = selectors.movie_get(slug=slug)
    order = request.GET.get("order", "")
    if order not in REVIEW_ORDERS:
        order = "newest"
    own_review = review_selectors.review_for(user=request.user, movie=movie)
    others = review_selectors.movie_reviews(movie=movie, order=order)
    if own_review is not None:
        # Shown once, under "Your review", not again in the list.
        others = others.exclude(pk=own_review.pk)
    review_form = None
    if own_review is None:
        # What the member typed before a button that left this page without JavaScript (the AI
        # draft panel's) comes back in the form.
        review_form = ReviewForm(initial=typed_review_take(request, user=request.user, movie=movie))
    reviews = paginate(request, others, per_page=10)
    # Up to three reviews of other films saying something similar under each (the recommender's
    # slot; spoiler-flagged ones are left out, since a reader opens spoilers one review at a time).
    attach_similar([*reviews.object_list, *([own_review] if own_review else [])])
    threads = thread_list(movie=movie, viewer=request.user)
    use_similar_tag = template_tag_available("recommender", "similar_movies")
    context = {
        "movie": movie,
        "genres": list(movie.genres.all()),
        "histogram": selectors.movie_rating_histogram(movie=movie),
        "own_rating": review_selectors.rating_for(user=request.user, movie=movie),
        "own_review": own_review,
        "review_form": review_form,
        "reviews": reviews,
        "order": order,
        "orders": REVIEW_ORDERS,
        "liked_ids": review_selectors.liked_review_ids(
            user=request.user, review_ids=[r.pk for r in reviews.object_list]
        ),
        "threads": threads[:5],
        "thread_count": threads.count(),
        "on_watchlist": bool(watchlisted_movie_ids(user=request.user, movie_ids=[movie.pk])),
        "use_similar_tag": use_similar_tag,
        "similar": [] if use_similar_tag else selectors.similar_movies(movie=movie),
        "score_choices": SCORE_CHOICES,
        # The recommender's AI panels (review draft, discussion suggestions) fill slots when present.
        "use_ai_tags": template_tag_available("recommender_llm", "ai_review_form"),
        # The recommender's movie notes (synopsis, character guide) fill slots around the plot.
        "use_notes_tags": template_tag_available("recommender_notes", "character_guide"),
        # ... and "What audiences say" above the reviews.
        "use_audiences_tag": template_tag_available("recommender_audiences", "audiences_say"),
        # ... and "You would likely rate this" above the member's stars, until they rate it.
        "use_predicted_tag": template_tag_available("recommender", "predicted_rating"),
    }
    return render(request, "movies/detail.html", context)
