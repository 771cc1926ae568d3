""" "What audiences say" in the API: the same reader as the movie page (recommender.audiences.selectors)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from community.movies.models import Movie
from recommender.audiences import selectors
from recommender.audiences.api.serializers import AudiencesQuerySerializer, MovieAudiencesSerializer


class MovieAudiencesApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = MovieAudiencesSerializer
    queryset = Movie.objects.none()  # tells the schema what the `movie_id` path parameter is
    pagination_class = None

    @extend_schema(
        tags=["movies"],
        summary='A movie\'s "What audiences say"',
        description=(
            "Two to four sentences on what the film's reviewers praise and criticise, with counts from "
            "the review analyses, two verbatim quotes and, per sentence, the reviews behind it. "
            "AI-generated and checked; stored, no model runs on request. Hidden reviews never count; "
            "reviews marked as spoilers only with spoilers=true."
        ),
        parameters=[AudiencesQuerySerializer],
        responses={200: MovieAudiencesSerializer},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        query = AudiencesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        movie = get_object_or_404(Movie.objects.only("pk", "slug", "title"), pk=movie_id)
        shown = selectors.audiences_for_reader(movie=movie, spoilers=query.validated_data["spoilers"])
        return Response(MovieAudiencesSerializer({"audiences": shown}).data)
