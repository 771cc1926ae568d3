from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from community.accounts.selectors import user_get_public
from community.core.members import signed_in_member
from community.core.viewutils import paginate, redirect_back, wants_json
from community.movies.selectors import movie_get
from community.reviews.selectors import scores_by_movie
from community.social import selectors, services


@login_required
def watchlist(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    page = paginate(request, selectors.watchlist_items(user=member), per_page=24)
    scores = scores_by_movie(user=member, movie_ids=[item.movie_id for item in page.object_list])
    return render(request, "social/watchlist.html", {"page": page, "my_scores": scores})


@login_required
@require_POST
def watchlist_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    movie = movie_get(slug=slug)
    if request.POST.get("action") == "remove":
        services.watchlist_remove(user=signed_in_member(request), movie=movie)
        on_list, note = False, f"{movie.title} was taken off your watchlist."
    else:
        services.watchlist_add(user=signed_in_member(request), movie=movie)
        on_list, note = True, f"{movie.title} is on your watchlist."
    if wants_json(request):
        return JsonResponse({"on_watchlist": on_list})
    messages.success(request, note)
    return redirect_back(request, movie.get_absolute_url())


@login_required
@require_POST
def follow_toggle(request: HttpRequest, username: str) -> HttpResponse:
    person = user_get_public(username=username)
    following = False
    try:
        if request.POST.get("action") == "unfollow":
            services.follow_delete(follower=signed_in_member(request), followee=person)
            note = f"You no longer follow {person.username}."
        else:
            services.follow_create(follower=signed_in_member(request), followee=person)
            following, note = (
                True,
                f"You follow {person.username}: their ratings and reviews appear in your feed.",
            )
    except ValidationError as exc:
        if wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=400)
        messages.error(request, " ".join(exc.messages))
        return redirect_back(request, reverse("accounts:profile", kwargs={"username": person.username}))
    if wants_json(request):
        return JsonResponse({"following": following, "followers": person.followers.count()})
    messages.success(request, note)
    return redirect_back(request, reverse("accounts:profile", kwargs={"username": person.username}))


@login_required
def feed(request: HttpRequest) -> HttpResponse:
    member = signed_in_member(request)
    page = paginate(request, selectors.feed_items(user=member), per_page=30)
    following = member.following.count()
    return render(request, "social/feed.html", {"page": page, "following_count": following})
