"""GET /api/v1/diary/stats/: a member's year in review or all-time stats, from the same selector
as the pages (community.diary.stats), with the same rule on who may read them."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.core.api.lookups import clean_lookup
from community.core.members import signed_in_member
from community.diary import stats
from community.movies.api.serializers import MovieBriefSerializer

# --- input ---


class StatsQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, help_text="A year; all time when left out.")
    user = serializers.CharField(required=False, max_length=150, help_text="A member; default: you.")

    def validate_year(self, year: int) -> int:
        if not stats.year_is_valid(year):
            raise serializers.ValidationError(
                f"Give a year from {stats.FIRST_YEAR} to next year, or leave it out for all time."
            )
        return year


# --- output ---


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    films = serializers.IntegerField()


class RankedSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    tied = serializers.BooleanField()
    name = serializers.CharField()
    watches = serializers.IntegerField()
    films = serializers.IntegerField()


class StreakSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class WatchSerializer(serializers.Serializer):
    movie = MovieBriefSerializer()
    watched_on = serializers.DateField()
    rewatch = serializers.BooleanField()
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, allow_null=True)


class LikedReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    movie = MovieBriefSerializer()
    like_count = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class GenreMoveSerializer(serializers.Serializer):
    name = serializers.CharField()
    share_before = serializers.FloatField()
    share_after = serializers.FloatField()
    rating_before = serializers.FloatField(allow_null=True)
    rating_after = serializers.FloatField(allow_null=True)


class TasteMovementSerializer(serializers.Serializer):
    split_on = serializers.DateField(help_text="The first day of the period's second half.")
    enough = serializers.BooleanField(help_text="At least 4 watches in each half.")
    watches_before = serializers.IntegerField()
    watches_after = serializers.IntegerField()
    rating_before = serializers.FloatField(allow_null=True)
    rating_after = serializers.FloatField(allow_null=True)
    rising = GenreMoveSerializer(many=True)
    falling = GenreMoveSerializer(many=True)


class StatsSerializer(serializers.Serializer):
    user = serializers.CharField()
    year = serializers.IntegerField(allow_null=True, help_text="null: all time.")
    years = YearCountSerializer(many=True, help_text="Every year with entries you may see.")
    films_watched = serializers.IntegerField(help_text="Watches, rewatches included.")
    different_films = serializers.IntegerField()
    rewatches = serializers.IntegerField()
    minutes = serializers.IntegerField()
    hours = serializers.FloatField()
    watches_without_runtime = serializers.IntegerField()
    rated = serializers.IntegerField()
    average_rating = serializers.FloatField(allow_null=True)
    ratings = serializers.DictField(child=serializers.IntegerField(), help_text="Count per half star.")
    months = serializers.ListField(child=serializers.IntegerField(), help_text="12 counts; [] for all time.")
    decades = serializers.ListField(
        child=serializers.DictField(), help_text="[{decade (null: unknown), films}]"
    )
    genres = RankedSerializer(many=True)
    directors = RankedSerializer(many=True)
    actors = RankedSerializer(many=True)
    longest_streak = StreakSerializer(allow_null=True)
    first_film = WatchSerializer(allow_null=True)
    last_film = WatchSerializer(allow_null=True)
    highest_rated = WatchSerializer(many=True)
    most_liked_reviews = LikedReviewSerializer(many=True)
    taste_movement = TasteMovementSerializer(allow_null=True)


def stats_data(figures: stats.YearInReview, *, owner: User) -> dict:
    return {
        "user": owner.username,
        "year": figures.year,
        "years": [{"year": y, "films": n} for y, n in figures.years],
        "films_watched": figures.watches,
        "different_films": figures.films,
        "rewatches": figures.rewatches,
        "minutes": figures.minutes,
        "hours": figures.hours,
        "watches_without_runtime": figures.watches_without_runtime,
        "rated": figures.rated,
        "average_rating": figures.average_rating,
        "ratings": {f"{star:.1f}": n for star, n in figures.ratings.items()},
        "months": figures.months,
        "decades": [{"decade": d, "films": n} for d, n in figures.decades],
        "genres": figures.genres,
        "directors": figures.directors,
        "actors": figures.actors,
        "longest_streak": figures.streak,
        "first_film": figures.first,
        "last_film": figures.last,
        "highest_rated": figures.highest,
        "most_liked_reviews": figures.liked_reviews,
        "taste_movement": figures.taste,
    }


class StatsApi(generics.GenericAPIView):
    serializer_class = StatsSerializer

    @extend_schema(
        tags=["diary"],
        summary="A year in review (?year=) or all-time stats of your diary or a member's (?user=)",
        parameters=[
            OpenApiParameter("year", int, description="A year; all time when left out."),
            OpenApiParameter("user", str, description="A member's username; default: you."),
        ],
        responses={200: StatsSerializer},
    )
    def get(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        username = query.validated_data.get("user")
        if username:
            owner = get_object_or_404(User, username=clean_lookup(username), is_active=True)
        elif request.user.is_authenticated:
            owner = signed_in_member(request)
        else:
            raise NotAuthenticated("Sign in to see your stats, or name a member with ?user=.")
        if not stats.stats_viewable(owner=owner, viewer=request.user):
            raise Http404
        figures = stats.year_in_review(
            owner=owner, viewer=request.user, year=query.validated_data.get("year")
        )
        return Response(StatsSerializer(stats_data(figures, owner=owner)).data)
