"""A member's predicted rating of a film in the API: the movie page's selector."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from community.core.members import signed_in_member
from community.movies.models import Movie
from recommender.predicted import selectors
from recommender.predicted.api.serializers import PredictedRatingSerializer


class PredictedRatingApi(generics.GenericAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = PredictedRatingSerializer
    queryset = Movie.objects.none()  # tells the schema what the `movie_id` path parameter is
    pagination_class = None

    @extend_schema(
        tags=["movies"],
        summary="Your predicted rating of a movie",
        description=(
            "What the recommender's rating model expects you to give the film, clipped to 0.5-5 and "
            "rounded to half a star, with a note on how it was computed. None once you rated the film "
            "(status rated) or when the model has no estimate (status no_estimate: no ratings of yours "
            "in the served model yet, nobody rated the film, or no model trained yet). Read from stored "
            "factors: no model runs on request."
        ),
        responses={200: PredictedRatingSerializer},
    )
    def get(self, request: Request, movie_id: int) -> Response:
        member = signed_in_member(request)
        movie = get_object_or_404(Movie.objects.only("pk"), pk=movie_id)
        prediction = selectors.predicted_rating(user_id=member.pk, movie_id=movie.pk)
        return Response(PredictedRatingSerializer(prediction).data)
