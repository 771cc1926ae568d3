"""The website's "Not interested" / "More like this" buttons (the API has its own endpoint)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from community.core.members import signed_in_member
from community.movies.models import Movie
from recommender.models import RecommendationFeedback
from recommender.services.recommendations import recommendation_feedback_record


class FeedbackForm(forms.Form):
    movie_id = forms.IntegerField(min_value=1)
    kind = forms.ChoiceField(choices=RecommendationFeedback.Kind.choices)
    next = forms.CharField(required=False)


@login_required
@require_POST
def recommendation_feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return HttpResponse(status=400)
    movie = get_object_or_404(Movie, pk=form.cleaned_data["movie_id"])
    recommendation_feedback_record(
        user_id=signed_in_member(request).pk, movie_id=movie.pk, kind=form.cleaned_data["kind"]
    )
    target = form.cleaned_data["next"] or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)
