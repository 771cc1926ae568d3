from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.movies.api.serializers import MovieBriefSerializer, MovieListSerializer
from recommender.models import GeneratedText, Recommendation, RecommendationFeedback, TasteProfile

# --- input ---


class SimilarMoviesInputSerializer(serializers.Serializer):
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10, required=False)


class RecommendationRowsInputSerializer(serializers.Serializer):
    row = serializers.ChoiceField(
        choices=Recommendation.Row.choices, required=False, help_text="Only this row."
    )
    per_row = serializers.IntegerField(min_value=1, max_value=50, default=12, required=False)


class RecommendationFeedbackInputSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    kind = serializers.ChoiceField(choices=RecommendationFeedback.Kind.choices)


# --- output ---


class RecommendationSerializer(serializers.ModelSerializer):
    movie = MovieListSerializer(read_only=True)
    explanation = serializers.SerializerMethodField(
        help_text="An AI-generated explanation, once written for this pick; null until then."
    )

    class Meta:
        model = Recommendation
        fields = ["movie", "rank", "score", "reason", "explanation", "model_version", "created_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_explanation(self, pick: Recommendation) -> str | None:
        text = self.context.get("explanations", {}).get(pick.movie_id)
        return text.text if text is not None else None


class RecommendationRowSerializer(serializers.Serializer):
    row = serializers.ChoiceField(choices=Recommendation.Row.choices)
    subject = serializers.CharField(help_text="The anchor movie or genre of the row, if any.")
    title = serializers.CharField(help_text='As the homepage shows it, e.g. "Because you loved Heat".')
    items = RecommendationSerializer(many=True)


class RecommendationFeedbackSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecommendationFeedback
        fields = ["movie_id", "kind", "created_at"]
        read_only_fields = fields
        extra_kwargs = {"movie_id": {"read_only": True}}


class TasteProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = TasteProfile
        fields = ["preferences", "summary", "rating_count", "review_count", "updated_at"]
        extra_kwargs = {"updated_at": {"allow_null": True}}


class SimilarMovieSerializer(serializers.Serializer):
    movie = MovieListSerializer()
    score = serializers.FloatField(help_text="Higher is more similar.")


class GeneratedTextSerializer(serializers.ModelSerializer):
    movie = MovieBriefSerializer(read_only=True)
    poll_url = serializers.SerializerMethodField()

    class Meta:
        model = GeneratedText
        fields = [
            "id",
            "kind",
            "status",
            "movie",
            "text",
            "payload",
            "is_fallback",
            "error",
            "model_name",
            "model_version",
            "task_id",
            "poll_url",
            "created_at",
            "updated_at",
        ]

    def get_poll_url(self, text: GeneratedText) -> str:
        from django.urls import reverse

        return reverse("api:generated-text-detail", kwargs={"text_id": text.pk})
