"""Studio console API: the same selectors as the pages. Another studio (or a film that is not
the studio's) is a 404, whether or not it exists."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.members import signed_in_member
from community.movies.models import Movie
from recommender.insight import selectors
from recommender.insight.api.serializers import (
    CompareInputSerializer,
    CompareSerializer,
    FilmInsightSerializer,
    PortfolioInputSerializer,
    PortfolioRowSerializer,
)


class StudioPortfolioApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PortfolioRowSerializer
    filter_backends: list = []  # filtered by the input serializer

    @extend_schema(
        tags=["studios"],
        summary="Your studio's films with their audience figures",
        parameters=[PortfolioInputSerializer],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Movie]:
        if getattr(self, "swagger_fake_view", False):
            return Movie.objects.none()
        studio = selectors.studio_for_member(
            user=signed_in_member(self.request), slug=self.kwargs["studio_slug"]
        )
        params = PortfolioInputSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        return selectors.studio_portfolio(
            studio=studio, sort=data["sort"], year=data.get("year"), genre=data.get("genre")
        )

    def get_serializer(self, *args, **kwargs):
        if args and not getattr(self, "swagger_fake_view", False):
            args = ([selectors.portfolio_row(m) for m in args[0]], *args[1:])
        return super().get_serializer(*args, **kwargs)


class StudioFilmInsightApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FilmInsightSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["studios"], summary="One film's audience insight", responses={200: FilmInsightSerializer}
    )
    def get(self, request: Request, studio_slug: str, movie_id: int) -> Response:
        studio = selectors.studio_for_member(user=signed_in_member(request), slug=studio_slug)
        return Response(FilmInsightSerializer(selectors.film_insight(studio=studio, movie_id=movie_id)).data)


class StudioCompareApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CompareSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        tags=["studios"],
        summary="Two to four of your studio's films side by side",
        parameters=[CompareInputSerializer],
        responses={200: CompareSerializer},
    )
    def get(self, request: Request, studio_slug: str) -> Response:
        studio = selectors.studio_for_member(user=signed_in_member(request), slug=studio_slug)
        params = CompareInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        films = selectors.compare(studio=studio, movie_ids=params.validated_data["films"])
        return Response(CompareSerializer({"films": films}).data)
