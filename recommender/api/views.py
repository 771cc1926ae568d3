"""Recommendations, taste profile, similar movies and language-model texts (202 + poll)."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from community.core.api.throttles import GenerationRateThrottle
from community.movies.models import Movie
from recommender import selectors_llm
from recommender.api import backend
from recommender.api.filters import RecommendationFilter
from recommender.api.serializers import (
    GeneratedTextSerializer,
    RecommendationSerializer,
    SimilarMovieSerializer,
    SimilarMoviesInputSerializer,
    TasteProfileSerializer,
)
from recommender.models import GeneratedText, Recommendation, TasteProfile

# Rows come in the order the homepage shows them: top picks first.
ROW_ORDER = Case(
    *(When(row=value, then=Value(i)) for i, value in enumerate(Recommendation.Row.values)),
    default=Value(len(Recommendation.Row.values)),
    output_field=IntegerField(),
)


@extend_schema(tags=["recommendations"], summary="Your recommendations, row by row, each with its reason")
class RecommendationListApi(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter

    def get_queryset(self) -> QuerySet[Recommendation]:
        if getattr(self, "swagger_fake_view", False):
            return Recommendation.objects.none()
        return (
            Recommendation.objects.filter(user=self.request.user)
            .select_related("movie")
            .prefetch_related("movie__genres")
            .annotate(row_order=ROW_ORDER)
            .order_by("row_order", "rank", "pk")
        )

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        explanations = selectors_llm.explanations(
            user_id=request.user.pk, movie_ids={p.movie_id for p in page}
        )
        data = RecommendationSerializer(page, many=True, context={"explanations": explanations}).data
        return self.get_paginated_response(data)


class TasteProfileApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TasteProfileSerializer

    @extend_schema(
        tags=["me"],
        summary="Your taste profile (empty until you have rated or reviewed something)",
        responses={200: TasteProfileSerializer},
    )
    def get(self, request: Request) -> Response:
        profile = selectors_llm.taste_profile(user_id=request.user.pk)
        if profile is None:
            profile = TasteProfile(user=request.user, preferences={}, summary="", updated_at=None)
        return Response(TasteProfileSerializer(profile).data)


class SimilarMoviesApi(generics.GenericAPIView):
    permission_classes = [AllowAny]
    serializer_class = SimilarMovieSerializer
    queryset = Movie.objects.none()  # tells the schema what the `movie_id` path parameter is
    pagination_class = None  # a short ranked list, capped by `limit`

    @extend_schema(
        tags=["recommendations"],
        summary="Movies similar to this one",
        parameters=[SimilarMoviesInputSerializer],
        responses={200: SimilarMovieSerializer(many=True)},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        params = SimilarMoviesInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        similar = backend.similar_movies(movie=movie, limit=params.validated_data["limit"])
        return Response(SimilarMovieSerializer(similar, many=True).data)


class GenerationRequestApi(generics.GenericAPIView):
    """Base for the endpoints that ask the language model for a text about a movie."""

    permission_classes = [IsAuthenticated]
    serializer_class = GeneratedTextSerializer
    queryset = Movie.objects.none()  # tells the schema what the `movie_id` path parameter is
    kind: str = ""

    def get_throttles(self) -> list[BaseThrottle]:
        # Asking costs model time; reading what was asked for does not.
        if self.request.method == "POST":
            return [*super().get_throttles(), GenerationRateThrottle()]
        return super().get_throttles()

    def get(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        text = selectors_llm.generated_text(user_id=request.user.pk, movie_id=movie.pk, kind=self.kind)
        if text is None:
            raise Http404
        return Response(GeneratedTextSerializer(text).data)

    def post(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        text = backend.generated_text_request(user=request.user, movie=movie, kind=self.kind)
        return Response(GeneratedTextSerializer(text).data, status=status.HTTP_202_ACCEPTED)


GENERATION_DESCRIPTION = (
    "Queues the language model and answers 202 at once. Poll `poll_url` (GET /api/v1/generated-texts/{id}/) "
    "until `status` is `ready` or `failed`. Asking again while one is pending returns the pending one. "
    "Strictly throttled per user."
)


@extend_schema_view(
    get=extend_schema(
        tags=["generation"],
        summary="Your latest AI-generated review draft for this movie (404 if never asked)",
        responses={200: GeneratedTextSerializer},
    ),
    post=extend_schema(
        tags=["generation"],
        summary="Ask for an AI-generated draft of your review of this movie",
        description=GENERATION_DESCRIPTION,
        request=None,
        responses={202: GeneratedTextSerializer},
    ),
)
class ReviewDraftRequestApi(GenerationRequestApi):
    kind = GeneratedText.Kind.REVIEW_DRAFT


@extend_schema_view(
    get=extend_schema(
        tags=["generation"],
        summary="Your latest AI-suggested discussion questions for this movie (404 if never asked)",
        responses={200: GeneratedTextSerializer},
    ),
    post=extend_schema(
        tags=["generation"],
        summary="Ask for AI-suggested discussion questions about this movie",
        description=GENERATION_DESCRIPTION,
        request=None,
        responses={202: GeneratedTextSerializer},
    ),
)
class DiscussionSuggestionsRequestApi(GenerationRequestApi):
    kind = GeneratedText.Kind.DISCUSSION_SUGGESTIONS


class GeneratedTextDetailApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = GeneratedTextSerializer

    @extend_schema(
        tags=["generation"],
        summary="Poll a generated text (yours only)",
        responses={200: GeneratedTextSerializer},
    )
    def get(self, request: Request, text_id: int) -> Response:
        text = get_object_or_404(GeneratedText.objects.select_related("movie"), pk=text_id, user=request.user)
        return Response(GeneratedTextSerializer(text).data)
