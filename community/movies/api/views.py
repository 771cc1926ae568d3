from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from community.movies.api.filters import MovieFilter
from community.movies.api.selectors import movie_detail
from community.movies.api.serializers import GenreSerializer, MovieDetailSerializer, MovieListSerializer
from community.movies.models import Genre, Movie


@extend_schema(tags=["movies"], summary="List and search movies")
class MovieListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = MovieListSerializer
    filterset_class = MovieFilter
    queryset = Movie.objects.prefetch_related("genres").order_by("-rating_count", "title", "pk")


@extend_schema(tags=["movies"], summary="List genres")
class GenreListApi(generics.ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = GenreSerializer
    pagination_class = None
    queryset = Genre.objects.order_by("name")


class MovieDetailApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = MovieDetailSerializer

    @extend_schema(
        tags=["movies"],
        summary="A movie with its metadata, rating statistics and review sentiment summary",
        responses={200: MovieDetailSerializer},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie.objects.prefetch_related("genres"), pk=movie_id)
        return Response(MovieDetailSerializer(movie_detail(movie=movie, user=request.user)).data)
