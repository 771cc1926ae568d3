"""Reviews, likes and ratings. Every write goes through community.reviews.services."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.selectors import user_get_public
from community.core.api.lookups import clean_lookup
from community.core.api.permissions import IsOwnerOrReadOnly
from community.core.members import signed_in_member
from community.diary.tagging import review_post_tagged, review_update_tagged
from community.movies.models import Movie
from community.reviews import services
from community.reviews.api.filters import RatingFilter, ReviewFilter
from community.reviews.api.serializers import (
    LikeStateSerializer,
    RatingInputSerializer,
    RatingSerializer,
    ReviewInputSerializer,
    ReviewSerializer,
    ReviewUpdateInputSerializer,
    SimilarQuerySerializer,
    SimilarReviewSerializer,
)
from community.reviews.models import Rating, Review, ReviewLike
from community.reviews.selectors import with_tags
from community.reviews.sentiment import with_sentiments
from community.reviews.similar import similar_reviews


def reviews_for(request: Request) -> QuerySet[Review]:
    queryset: QuerySet[Review] = with_tags(
        with_sentiments(
            Review.objects.visible_to(request.user)
            .select_related("user", "movie")
            .order_by("-created_at", "-pk")
        )
    )
    if request.user.is_authenticated:
        liked = ReviewLike.objects.filter(review=OuterRef("pk"), user=request.user)
        queryset = queryset.annotate(liked_by_me=Exists(liked))
    return queryset


def review_out(request: Request, review: Review) -> dict:
    return ReviewSerializer(reviews_for(request).get(pk=review.pk)).data


class MovieReviewListApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = ReviewSerializer
    filterset_class = ReviewFilter

    def get_queryset(self) -> QuerySet[Review]:
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return reviews_for(self.request).filter(movie_id=self.kwargs["movie_id"])

    @extend_schema(
        tags=["reviews"], summary="Reviews of a movie", responses={200: ReviewSerializer(many=True)}
    )
    def get(self, request: Request, movie_id: int) -> Response:
        get_object_or_404(Movie, pk=movie_id)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)

    @extend_schema(
        tags=["reviews"],
        summary="Post your review of a movie (one per movie)",
        request=ReviewInputSerializer,
        responses={201: ReviewSerializer},
    )
    def post(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        data = ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = review_post_tagged(user=signed_in_member(request), movie=movie, **data.validated_data)
        return Response(review_out(request, review), status=status.HTTP_201_CREATED)


class ReviewDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticatedOrReadOnly, IsOwnerOrReadOnly]
    serializer_class = ReviewSerializer

    def get_object(self) -> Review:
        review = get_object_or_404(reviews_for(self.request), pk=self.kwargs["review_id"])
        self.check_object_permissions(self.request, review)
        return review

    @extend_schema(tags=["reviews"], summary="A review", responses={200: ReviewSerializer})
    def get(self, request: Request, review_id: int) -> Response:
        return Response(ReviewSerializer(self.get_object()).data)

    @extend_schema(
        tags=["reviews"],
        summary="Edit your review",
        request=ReviewUpdateInputSerializer,
        responses={200: ReviewSerializer},
    )
    def patch(self, request: Request, review_id: int) -> Response:
        review = self.get_object()
        data = ReviewUpdateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review_update_tagged(
            review=review,
            user=signed_in_member(request),
            body=data.validated_data.get("body", review.body),
            has_spoilers=data.validated_data.get("has_spoilers", review.has_spoilers),
            tags=data.validated_data.get("tags"),
        )
        return Response(review_out(request, review))

    @extend_schema(tags=["reviews"], summary="Delete your review", responses={204: None})
    def delete(self, request: Request, review_id: int) -> Response:
        services.review_delete(review=self.get_object(), user=signed_in_member(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class ReviewSimilarApi(generics.GenericAPIView):
    pagination_class = None  # at most three: a plain list, as the schema says
    permission_classes = [AllowAny]
    serializer_class = SimilarReviewSerializer
    queryset = Review.objects.none()  # for the schema's path parameter; get() reads the review

    @extend_schema(
        tags=["reviews"],
        summary="Reviews of other films that say something similar",
        description="Up to three reviews of other films, in the same language, by other authors, "
        "most similar first (MiniLM vectors of the texts). Never a review hidden by moderators; "
        "spoiler-flagged ones only with spoilers=true. A hidden review has no page here (404).",
        parameters=[SimilarQuerySerializer],
        responses={200: SimilarReviewSerializer(many=True)},
    )
    def get(self, request: Request, review_id: int) -> Response:
        query = SimilarQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        review = get_object_or_404(Review.objects.visible(), pk=review_id)
        found = similar_reviews([review], include_spoilers=query.validated_data["spoilers"])
        return Response(SimilarReviewSerializer(found.get(review.pk, []), many=True).data)


class ReviewLikeApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LikeStateSerializer

    def get_review(self) -> Review:
        return get_object_or_404(Review.objects.visible(), pk=self.kwargs["review_id"])

    @extend_schema(
        tags=["reviews"],
        summary="Like someone else's review",
        request=None,
        responses={200: LikeStateSerializer},
    )
    def put(self, request: Request, review_id: int) -> Response:
        review = self.get_review()
        services.review_like(review=review, user=signed_in_member(request))
        return Response(LikeStateSerializer({"liked": True, "like_count": review.like_count}).data)

    @extend_schema(
        tags=["reviews"], summary="Take back your like", request=None, responses={200: LikeStateSerializer}
    )
    def delete(self, request: Request, review_id: int) -> Response:
        review = self.get_review()
        services.review_unlike(review=review, user=signed_in_member(request))
        return Response(LikeStateSerializer({"liked": False, "like_count": review.like_count}).data)


class MovieRatingApi(generics.GenericAPIView):
    """The signed-in user's own rating of one movie."""

    permission_classes = [IsAuthenticated]
    serializer_class = RatingSerializer

    def get_movie(self) -> Movie:
        return get_object_or_404(Movie, pk=self.kwargs["movie_id"])

    @extend_schema(tags=["ratings"], summary="Your rating of a movie", responses={200: RatingSerializer})
    def get(self, request: Request, movie_id: int) -> Response:
        rating = get_object_or_404(
            Rating.objects.select_related("movie"), movie=self.get_movie(), user=signed_in_member(request)
        )
        return Response(RatingSerializer(rating).data)

    @extend_schema(
        tags=["ratings"],
        summary="Set or change your rating of a movie",
        request=RatingInputSerializer,
        responses={200: RatingSerializer},
    )
    def put(self, request: Request, movie_id: int) -> Response:
        movie = self.get_movie()
        data = RatingInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.rating_set(
            user=signed_in_member(request), movie=movie, score=data.validated_data["score"]
        )
        return Response(RatingSerializer(rating).data)

    @extend_schema(tags=["ratings"], summary="Clear your rating of a movie", responses={204: None})
    def delete(self, request: Request, movie_id: int) -> Response:
        services.rating_clear(user=signed_in_member(request), movie=self.get_movie())
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["ratings"], summary="All your ratings")
class MyRatingListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RatingSerializer
    filterset_class = RatingFilter

    def get_queryset(self) -> QuerySet[Rating]:
        if getattr(self, "swagger_fake_view", False):
            return Rating.objects.none()
        return (
            Rating.objects.filter(user=signed_in_member(self.request))
            .select_related("movie")
            .order_by("-updated_at", "-pk")
        )


class UserReviewListApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = ReviewSerializer
    filter_backends: list = []  # the list is already one member's

    @extend_schema(
        tags=["people"],
        summary="A member's reviews, newest first",
        responses={200: ReviewSerializer(many=True)},
    )
    def get(self, request: Request, username: str) -> Response:
        author = user_get_public(username=clean_lookup(username))
        reviews = reviews_for(request).filter(user=author)
        page = self.paginate_queryset(reviews)
        return self.get_paginated_response(ReviewSerializer(page, many=True).data)
