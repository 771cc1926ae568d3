from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from community.core.members import signed_in_member
from community.core.viewutils import (
    call_service,
    paginate,
    redirect_back,
    template_tag_available,
    wants_json,
)
from community.diary.tagging import review_post_tagged, review_update_tagged
from community.movies.selectors import movie_get
from community.reviews import selectors, services
from community.reviews.forms import RatingForm, ReviewForm, typed_review_take


@login_required
@require_POST
def rate(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            rating = services.rating_set(
                user=signed_in_member(request), movie=movie, score=form.cleaned_data["score"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if wants_json(request):
                movie.refresh_from_db()
                return JsonResponse(
                    {
                        "score": float(rating.score),
                        "count": movie.rating_count,
                        "average": movie.rating_average,
                    }
                )
            messages.success(request, f"You rated {movie.title} {rating.score:g} stars.")
    else:
        if wants_json(request):
            return JsonResponse({"error": "Choose a rating between 0.5 and 5 stars."}, status=400)
        messages.error(request, "Choose a rating between 0.5 and 5 stars.")
    return redirect_back(request, movie.get_absolute_url())


@login_required
@require_POST
def rating_clear(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    services.rating_clear(user=signed_in_member(request), movie=movie)
    messages.success(request, f"Your rating of {movie.title} was removed.")
    return redirect_back(request, movie.get_absolute_url())


@login_required
def review_create(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    existing = selectors.review_for(user=request.user, movie=movie)
    if existing is not None:
        return redirect("reviews:edit", pk=existing.pk)
    # What the member typed before a button that left this page without JavaScript (the AI
    # draft panel's) comes back in the form.
    typed = typed_review_take(request, user=request.user, movie=movie) if request.method == "GET" else {}
    form = ReviewForm(request.POST or None, initial=typed)
    if request.method == "POST" and form.is_valid():
        review = call_service(
            form,
            review_post_tagged,
            user=request.user,
            movie=movie,
            body=form.cleaned_data["body"],
            has_spoilers=form.cleaned_data["has_spoilers"],
            tags=form.cleaned_data["tags"],
        )
        if review is not None:
            messages.success(request, "Your review is posted.")
            return redirect(f"{movie.get_absolute_url()}#review-{review.pk}")
    status = 400 if form.errors else 200
    # The recommender's "Draft my review" panel fills a slot above the form when present.
    use_ai_tags = template_tag_available("recommender_llm", "ai_review_draft")
    context = {
        "form": form,
        "movie": movie,
        "use_ai_tags": use_ai_tags,
        "own_rating": selectors.rating_for(user=request.user, movie=movie) if use_ai_tags else None,
    }
    return render(request, "reviews/review_form.html", context, status=status)


def _own_review(request: HttpRequest, pk: int):
    review = selectors.review_get(pk=pk, viewer=request.user)
    if review.user_id != request.user.pk:
        raise PermissionDenied("Only the author can change this review.")
    return review


@login_required
def review_edit(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    initial = {
        "body": review.body,
        "has_spoilers": review.has_spoilers,
        "tags": ", ".join(getattr(review, "tag_slugs", None) or []),
    }
    form = ReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = call_service(
            form,
            review_update_tagged,
            review=review,
            user=request.user,
            body=form.cleaned_data["body"],
            has_spoilers=form.cleaned_data["has_spoilers"],
            tags=form.cleaned_data["tags"],
        )
        if saved is not None:
            messages.success(request, "Your review was updated.")
            return redirect(f"{review.movie.get_absolute_url()}#review-{review.pk}")
    status = 400 if form.errors else 200
    return render(
        request,
        "reviews/review_form.html",
        {"form": form, "movie": review.movie, "review": review},
        status=status,
    )


@login_required
def review_delete(request: HttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    if request.method == "POST":
        services.review_delete(review=review, user=signed_in_member(request))
        messages.success(request, "Your review was deleted.")
        return redirect(review.movie.get_absolute_url())
    return render(
        request,
        "confirm_delete.html",
        {"what": f"your review of {review.movie.title}", "cancel_url": review.movie.get_absolute_url()},
    )


@login_required
@require_POST
def review_like(request: HttpRequest, pk: int) -> HttpResponse:
    review = selectors.review_get(pk=pk, viewer=request.user)
    try:
        liked = services.review_like_toggle(review=review, user=signed_in_member(request))
    except ValidationError as exc:
        if wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        liked = False
    if wants_json(request):
        return JsonResponse({"liked": liked, "like_count": review.like_count})
    return redirect_back(request, f"{review.movie.get_absolute_url()}#review-{review.pk}")


def review_list(request: HttpRequest) -> HttpResponse:
    source = "critic" if request.GET.get("source") == "critic" else "member"
    page = paginate(request, selectors.recent_reviews(source=source), per_page=20)
    liked = selectors.liked_review_ids(user=request.user, review_ids=[r.pk for r in page.object_list])
    return render(request, "reviews/list.html", {"page": page, "liked_ids": liked, "source": source})
