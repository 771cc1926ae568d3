"""The signed-in user's watchlist and follows. Writes go through community.social.services."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.models import User
from community.core.api.lookups import clean_lookup
from community.core.members import signed_in_member
from community.movies.models import Movie
from community.social import selectors, services
from community.social.api.serializers import (
    FeedItemSerializer,
    FollowerSerializer,
    FollowingSerializer,
    FollowInputSerializer,
    WatchlistAddInputSerializer,
    WatchlistItemSerializer,
)
from community.social.models import Follow, WatchlistItem


def account_by_username(username: str) -> User:
    """An active account, imported ones included (they can be followed, as on the website)."""
    return get_object_or_404(User, username=clean_lookup(username), is_active=True)


class WatchlistApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = WatchlistItemSerializer

    def get_queryset(self) -> QuerySet[WatchlistItem]:
        if getattr(self, "swagger_fake_view", False):
            return WatchlistItem.objects.none()
        return (
            WatchlistItem.objects.filter(user=signed_in_member(self.request))
            .select_related("movie")
            .prefetch_related("movie__genres")
            .order_by("-added_at", "-pk")
        )

    @extend_schema(
        tags=["watchlist"], summary="Your watchlist", responses={200: WatchlistItemSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WatchlistItemSerializer(page, many=True).data)

    @extend_schema(
        tags=["watchlist"],
        summary="Put a movie on your watchlist (adding twice is harmless)",
        request=WatchlistAddInputSerializer,
        responses={201: WatchlistItemSerializer},
    )
    def post(self, request: Request) -> Response:
        data = WatchlistAddInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movie = Movie.objects.filter(pk=data.validated_data["movie_id"]).first()
        if movie is None:
            raise ValidationError({"movie_id": ["No movie with this id."]})
        item = services.watchlist_add(user=signed_in_member(request), movie=movie)
        return Response(WatchlistItemSerializer(item).data, status=status.HTTP_201_CREATED)


class WatchlistItemApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = WatchlistItemSerializer

    @extend_schema(tags=["watchlist"], summary="Take a movie off your watchlist", responses={204: None})
    def delete(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        if not services.watchlist_remove(user=signed_in_member(request), movie=movie):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowingApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowingSerializer

    def get_queryset(self) -> QuerySet[Follow]:
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        return (
            Follow.objects.filter(follower=signed_in_member(self.request))
            .select_related("followee")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        tags=["follows"], summary="People you follow", responses={200: FollowingSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FollowingSerializer(page, many=True).data)

    @extend_schema(
        tags=["follows"],
        summary="Follow a member or an imported critic or rater (following twice is harmless)",
        request=FollowInputSerializer,
        responses={201: FollowingSerializer},
    )
    def post(self, request: Request) -> Response:
        data = FollowInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        followee = User.objects.filter(username=data.validated_data["username"], is_active=True).first()
        if followee is None:
            raise ValidationError({"username": [services.NO_SUCH_ACCOUNT]})
        follow = services.follow_create(follower=signed_in_member(request), followee=followee)
        return Response(FollowingSerializer(follow).data, status=status.HTTP_201_CREATED)


class FollowingItemApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowingSerializer

    @extend_schema(tags=["follows"], summary="Stop following an account", responses={204: None})
    def delete(self, request: Request, username: str) -> Response:
        if not services.follow_delete(
            follower=signed_in_member(request), followee=account_by_username(username)
        ):
            raise Http404
        return Response(status=status.HTTP_204_NO_CONTENT)


class FollowersApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FollowerSerializer

    def get_queryset(self) -> QuerySet[Follow]:
        if getattr(self, "swagger_fake_view", False):
            return Follow.objects.none()
        return (
            Follow.objects.filter(followee=signed_in_member(self.request))
            .select_related("follower")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        tags=["follows"], summary="People who follow you", responses={200: FollowerSerializer(many=True)}
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(FollowerSerializer(page, many=True).data)


class FeedApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = FeedItemSerializer
    filter_backends: list = []  # a merged list, not a queryset

    @extend_schema(
        tags=["follows"],
        summary="What the people you follow rated and reviewed, newest first",
        responses={200: FeedItemSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        items = selectors.feed_items(user=signed_in_member(request))
        # DRF's paginators slice any sequence; the stubs only admit a QuerySet.
        page: list[selectors.FeedItem] | None = self.paginate_queryset(items)  # type: ignore[arg-type]
        return self.get_paginated_response(FeedItemSerializer(page, many=True).data)
