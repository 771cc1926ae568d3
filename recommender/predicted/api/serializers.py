from __future__ import annotations

from rest_framework import serializers

from recommender.predicted.selectors import NO_ESTIMATE, PREDICTED, RATED


class PredictedRatingSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField()
    status = serializers.CharField(
        help_text=(
            f"{PREDICTED}: a prediction; {RATED}: you rated the film, so none; {NO_ESTIMATE}: the model "
            "has no estimate (no ratings of yours in it yet, nobody rated the film, or no model yet)"
        )
    )
    predicted_rating = serializers.FloatField(
        source="stars", allow_null=True, help_text="0.5 to 5, rounded to half a star"
    )
    estimate = serializers.FloatField(allow_null=True, help_text="the model's figure before rounding")
    note = serializers.CharField(help_text="how it was computed")
    model_version = serializers.CharField()
