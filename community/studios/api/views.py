"""Studio console API. Every endpoint is scoped to the studios the signed-in user belongs to.

Insight endpoints come later under /api/v1/studios/<studio_slug>/...; they use
IsStudioMember, which answers 404 to people outside the studio (as the pages do).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.core.api.permissions import IsStudioMember
from community.core.members import signed_in_member
from community.movies.api.filters import MovieFilter
from community.movies.api.serializers import MovieListSerializer
from community.movies.models import Movie
from community.studios.api.serializers import (
    StudioMemberInviteSerializer,
    StudioMemberSerializer,
    StudioSerializer,
    StudioSettingsSerializer,
)
from community.studios.models import Studio, StudioMembership
from community.studios.selectors import studio_list_for_member, studio_member_list
from community.studios.services import studio_member_invite, studio_member_remove, studio_settings_update


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


class StudioMemberListApi(generics.GenericAPIView):
    """Members of one of your studios; owners add members here (analysts get 403 on POST)."""

    permission_classes = [IsAuthenticated, IsStudioMember]
    serializer_class = StudioMemberSerializer
    queryset = StudioMembership.objects.none()  # for the schema; the methods read through selectors
    pagination_class = None  # a studio has a handful of members

    @extend_schema(
        tags=["studios"], summary="Members of your studio", responses={200: StudioMemberSerializer(many=True)}
    )
    def get(self, request: Request, studio_slug: str) -> Response:
        studio = get_object_or_404(Studio, slug=studio_slug)
        return Response(StudioMemberSerializer(studio_member_list(studio=studio), many=True).data)

    @extend_schema(
        tags=["studios"],
        summary="Add a member by username or email (owners only)",
        request=StudioMemberInviteSerializer,
        responses={201: StudioMemberSerializer},
    )
    def post(self, request: Request, studio_slug: str) -> Response:
        studio = get_object_or_404(Studio, slug=studio_slug)
        data = StudioMemberInviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        membership = studio_member_invite(studio=studio, by=signed_in_member(request), **data.validated_data)
        return Response(StudioMemberSerializer(membership).data, status=status.HTTP_201_CREATED)


class StudioMemberDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated, IsStudioMember]
    serializer_class = StudioMemberSerializer
    queryset = StudioMembership.objects.none()

    @extend_schema(
        tags=["studios"], summary="Remove a member (owners only; never the last owner)", responses={204: None}
    )
    def delete(self, request: Request, studio_slug: str, user_id: int) -> Response:
        membership = get_object_or_404(
            StudioMembership.objects.select_related("studio", "user"),
            studio__slug=studio_slug,
            user_id=user_id,
        )
        studio_member_remove(studio=membership.studio, by=signed_in_member(request), user=membership.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudioSettingsApi(generics.GenericAPIView):
    """The studio's console settings: members read them, owners change them (analysts 403)."""

    permission_classes = [IsAuthenticated, IsStudioMember]
    serializer_class = StudioSettingsSerializer
    queryset = Studio.objects.none()

    @extend_schema(
        tags=["studios"], summary="Your studio's console settings", responses={200: StudioSettingsSerializer}
    )
    def get(self, request: Request, studio_slug: str) -> Response:
        studio = get_object_or_404(studios_of(signed_in_member(request)), slug=studio_slug)
        return Response(StudioSettingsSerializer(studio).data)

    @extend_schema(
        tags=["studios"],
        summary="Change your studio's console settings (owners only)",
        request=StudioSettingsSerializer,
        responses={200: StudioSettingsSerializer},
    )
    def patch(self, request: Request, studio_slug: str) -> Response:
        studio = get_object_or_404(studios_of(signed_in_member(request)), slug=studio_slug)
        data = StudioSettingsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        studio = studio_settings_update(studio=studio, by=signed_in_member(request), **data.validated_data)
        return Response(StudioSettingsSerializer(studio).data)
