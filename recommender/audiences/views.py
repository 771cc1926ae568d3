"""The reviews behind a point of "What audiences say": /movies/<slug>/audiences/<point>/."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from community.core.viewutils import paginate
from community.movies.models import Movie
from recommender.audiences import selectors
from recommender.llm.audiences_prompts import aspect_name

PER_PAGE = 10


def audience_reviews(request: HttpRequest, slug: str, point: str) -> HttpResponse:
    """The visible analysed reviews behind one point, newest first, ten a page. With
    `?spoilers=1` reviews marked as spoilers are listed too (behind "Show it"); `?review=<id>`
    puts a quoted review first."""
    movie = get_object_or_404(Movie.objects.only("pk", "slug", "title", "year"), slug=slug)
    spoilers = request.GET.get("spoilers") in ("1", "true")
    found = selectors.point_reviews(movie=movie, slug=point, spoilers=spoilers)
    if found is None:
        raise Http404("No such point")
    name, reviews = found
    first = None
    review_id = request.GET.get("review", "")
    if review_id.isdigit() and not request.GET.get("page"):
        first = reviews.filter(pk=int(review_id)).first()
        if first is not None:
            reviews = reviews.exclude(pk=first.pk)
    page = paginate(request, reviews, per_page=PER_PAGE)
    items = [first] if first is not None else []
    items += list(page.object_list)
    is_label = name in ("positive", "negative", "mixed")
    context = {
        "movie": movie,
        "point": name,
        "heading": f"{name.capitalize()} reviews" if is_label else f"Reviews on the {aspect_name(name)}",
        "is_label": is_label,
        "spoilers": spoilers,
        "page": page,
        "items": [(r, [] if is_label else selectors.point_sentences(r, name)) for r in items],
        "first_id": first.pk if first is not None else None,
        "total": page.paginator.count + (1 if first is not None else 0),
    }
    return render(request, "recommender/audience_reviews.html", context)
