"""Recommendations, taste profile, similar movies and language-model texts (202 + poll)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.accounts.selectors import user_get_visible_part
from community.core.members import signed_in_member
from community.movies.models import Movie
from recommender import selectors as recommender_selectors
from recommender import selectors_llm
from recommender.api import backend
from recommender.api.serializers import (
    GeneratedTextSerializer,
    RecommendationFeedbackInputSerializer,
    RecommendationFeedbackSerializer,
    RecommendationRowSerializer,
    RecommendationRowsInputSerializer,
    SimilarMovieSerializer,
    SimilarMoviesInputSerializer,
    TasteProfileSerializer,
)
from recommender.models import GeneratedText, TasteProfile
from recommender.services.recommendations import recommendation_feedback_record


class RecommendationRowsApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RecommendationRowSerializer
    filter_backends: list = []  # rows come from a selector, filtered by the input serializer
    pagination_class = None  # bounded by per_row

    @extend_schema(
        tags=["recommendations"],
        summary="Your recommendation rows, in homepage order, each pick with its reason",
        description="Movies you rated or marked not interested since the last refresh are left out.",
        parameters=[RecommendationRowsInputSerializer],
        responses={200: RecommendationRowSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        member = signed_in_member(request)
        params = RecommendationRowsInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        rows = recommender_selectors.recommendation_rows(
            user_id=member.pk, per_row=params.validated_data["per_row"]
        )
        if "row" in params.validated_data:
            rows = [r for r in rows if r.row == params.validated_data["row"]]
        movie_ids = {pick.movie_id for row in rows for pick in row.items}
        explanations = selectors_llm.explanations(user_id=member.pk, movie_ids=movie_ids)
        data = RecommendationRowSerializer(rows, many=True, context={"explanations": explanations}).data
        return Response(data)


class RecommendationFeedbackApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = RecommendationFeedbackSerializer

    @extend_schema(
        tags=["recommendations"],
        summary='Tell the recommender "not interested" or "more like this" about a movie',
        description="Not interested removes the movie from your rows at once; both refresh your rows soon.",
        request=RecommendationFeedbackInputSerializer,
        responses={201: RecommendationFeedbackSerializer},
    )
    def post(self, request: Request) -> Response:
        data = RecommendationFeedbackInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        if not Movie.objects.filter(pk=data.validated_data["movie_id"]).exists():
            raise ValidationError({"movie_id": ["No movie with this id."]})
        feedback = recommendation_feedback_record(user_id=signed_in_member(request).pk, **data.validated_data)
        return Response(RecommendationFeedbackSerializer(feedback).data, status=status.HTTP_201_CREATED)


class TasteProfileApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = TasteProfileSerializer

    @extend_schema(
        tags=["me"],
        summary="Your taste profile (empty until you have rated or reviewed something)",
        responses={200: TasteProfileSerializer},
    )
    def get(self, request: Request) -> Response:
        member = signed_in_member(request)
        profile = selectors_llm.taste_profile(user_id=member.pk)
        if profile is None:
            # Never saved, so updated_at stays None (the serializer shows null).
            profile = TasteProfile(user=member, preferences={}, summary="")
        return Response(TasteProfileSerializer(profile).data)


class UserTasteProfileApi(generics.GenericAPIView):
    """Another member's taste profile, when they share it with you: community's one visibility
    rule decides, the same one the profile page's taste slot asks."""

    permission_classes = [AllowAny]
    serializer_class = TasteProfileSerializer

    @extend_schema(
        tags=["people"],
        summary="A member's taste profile (403 unless they share it with you; private by default)",
        responses={200: TasteProfileSerializer},
    )
    def get(self, request: Request, username: str) -> Response:
        owner = user_get_visible_part(viewer=request.user, username=username, part="taste")
        profile = selectors_llm.taste_profile(user_id=owner.pk)
        if profile is None:
            profile = TasteProfile(user=owner, preferences={}, summary="")
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

    def get(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        text = selectors_llm.generated_text(
            user_id=signed_in_member(request).pk, movie_id=movie.pk, kind=self.kind
        )
        if text is None:
            raise Http404
        return Response(GeneratedTextSerializer(text).data)

    def post(self, request: Request, movie_id: int) -> Response:
        movie = get_object_or_404(Movie, pk=movie_id)
        try:
            text = backend.generated_text_request(user=signed_in_member(request), movie=movie, kind=self.kind)
        except backend.GenerationRefused as refused:
            # The movie page's rule and words: 409 for what the member can change (rate the
            # movie; a reviewed one gets no draft), 503 while the models warm up.
            if refused.code == "warming_up":
                return Response(
                    {"detail": str(refused), "code": refused.code},
                    status=status.HTTP_503_SERVICE_UNAVAILABLE,
                    headers={"Retry-After": str(WARMING_UP_RETRY_AFTER)},
                )
            return Response({"detail": str(refused), "code": refused.code}, status=status.HTTP_409_CONFLICT)
        except backend.GenerationBudgetSpent as spent:
            # The member's one budget, shared with the web pages and their rows' explanations.
            raise Throttled(wait=spent.retry_after, detail=spent.headline) from spent
        return Response(GeneratedTextSerializer(text).data, status=status.HTTP_202_ACCEPTED)


WARMING_UP_RETRY_AFTER = 120  # seconds; the first start prepares the models for a few minutes

GENERATION_REFUSALS = {
    409: OpenApiResponse(
        description="Refused: a review draft needs your rating of the movie and no review of yours "
        "(`code` is `not_rated` or `already_reviewed`)"
    ),
    429: OpenApiResponse(description="Generation budget spent"),
    503: OpenApiResponse(
        description="The language models are warming up (`code` is `warming_up`; see `Retry-After`)"
    ),
}


GENERATION_DESCRIPTION = (
    "Queues the language model and answers 202 at once. Poll `poll_url` (GET /api/v1/generated-texts/{id}/) "
    "until `status` is `ready` or `failed`. The same rules as on the website: a review draft is for a "
    "movie you rated and have not reviewed (409 otherwise), and nothing is asked while the models "
    "warm up (503). Asking again while one is pending returns the pending one "
    "and costs nothing; a new text takes one unit of your generation "
    "budget (`THROTTLE_GENERATION`, 20 per rolling hour by default), which the website and the "
    "explanations of your recommendations share: when it is spent the answer is 429 with `Retry-After`."
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
        responses={202: GeneratedTextSerializer, **GENERATION_REFUSALS},
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
        responses={202: GeneratedTextSerializer, **GENERATION_REFUSALS},
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
        text = get_object_or_404(
            GeneratedText.objects.select_related("movie"), pk=text_id, user=signed_in_member(request)
        )
        return Response(GeneratedTextSerializer(text).data)
