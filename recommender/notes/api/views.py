"""The movie notes API: the same reader as the movie page (recommender.notes.selectors)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from community.movies.models import Movie
from recommender.notes import selectors
from recommender.notes.api.serializers import MovieNotesSerializer


class MovieNotesApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = MovieNotesSerializer
    queryset = Movie.objects.none()  # tells the schema what the `movie_id` path parameter is
    pagination_class = None

    @extend_schema(
        tags=["movies"],
        summary="A movie's synopsis and character guide",
        description=(
            "The spoiler-free synopsis (AI-generated from the first two thirds of the plot text and "
            "checked against it) and the character guide (characters, actors and lines taken from the "
            "plot text, with how reviewers feel about each). Both are stored; no model runs on request."
        ),
        responses={200: MovieNotesSerializer},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie.objects.only("pk", "title", "plot", "cast_names"), pk=movie_id)
        return Response(MovieNotesSerializer(selectors.movie_notes(movie=movie)).data)
