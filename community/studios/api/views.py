"""Studio console API. Every endpoint is scoped to the studios the signed-in user belongs to.

Insight endpoints come later under /api/v1/studios/<studio_slug>/...; they use
IsStudioMember, which answers 403 to people outside the studio.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.core.api.permissions import IsStudioMember
from community.core.members import signed_in_member
from community.movies.api.filters import MovieFilter
from community.movies.api.serializers import MovieListSerializer
from community.movies.models import Movie
from community.studios.api.serializers import StudioSerializer
from community.studios.models import Studio
from community.studios.selectors import studio_list_for_member


def studios_of(user: User) -> QuerySet[Studio]:
    return studio_list_for_member(user=user)


@extend_schema(tags=["studios"], summary="The studios you belong to")
class StudioListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = StudioSerializer

    def get_queryset(self) -> QuerySet[Studio]:
        if getattr(self, "swagger_fake_view", False):
            return Studio.objects.none()
        return studios_of(signed_in_member(self.request))


class StudioDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsStudioMember]
    serializer_class = StudioSerializer

    @extend_schema(tags=["studios"], summary="One of your studios", responses={200: StudioSerializer})
    def get(self, request: Request, studio_slug: str) -> Response:
        studio = get_object_or_404(studios_of(signed_in_member(request)), slug=studio_slug)
        return Response(StudioSerializer(studio).data)


@extend_schema(tags=["studios"], summary="Your studio's movies with their rating numbers")
class StudioMovieListApi(generics.ListAPIView):
    """The first studio-scoped list; insight endpoints follow the same pattern."""

    permission_classes = [IsAuthenticated, IsStudioMember]
    serializer_class = MovieListSerializer
    filterset_class = MovieFilter

    def get_queryset(self) -> QuerySet[Movie]:
        if getattr(self, "swagger_fake_view", False):
            return Movie.objects.none()
        return (
            Movie.objects.filter(studios__slug=self.kwargs["studio_slug"])
            .prefetch_related("genres")
            .order_by("-rating_count", "title", "pk")
        )
