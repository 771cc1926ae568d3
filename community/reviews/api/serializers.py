from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.accounts.models import User
from community.movies.api.serializers import MovieBriefSerializer
from community.reviews.models import REVIEW_MAX_LENGTH, Rating, Review
from community.reviews.sentiment import review_sentiment


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "display_name"]


# --- input ---


TAGS_HELP = "Free tags (at most 20), stored as lowercase slugs: 'Rainy Day' is 'rainy-day'."


class ReviewInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=REVIEW_MAX_LENGTH)
    has_spoilers = serializers.BooleanField(default=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20, help_text=TAGS_HELP
    )


class ReviewUpdateInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=REVIEW_MAX_LENGTH, required=False)
    has_spoilers = serializers.BooleanField(required=False)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50),
        required=False,
        max_length=20,
        help_text=TAGS_HELP + " When given, they replace the review's tags.",
    )


class RatingInputSerializer(serializers.Serializer):
    score = serializers.DecimalField(
        max_digits=2,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=Decimal("5.0"),
        help_text="0.5 to 5 in half stars.",
    )


# --- output ---


class ReviewSentimentSerializer(serializers.Serializer):
    # The metaclass moves declared fields off the class, so this does not replace Field.label;
    # the stubs cannot know that.
    label = serializers.ChoiceField(choices=["positive", "negative", "mixed"])  # type: ignore[assignment]
    score = serializers.FloatField()


class ReviewSerializer(serializers.ModelSerializer):
    author = AuthorSerializer(source="user", read_only=True)
    movie = MovieBriefSerializer(read_only=True)
    liked_by_me = serializers.SerializerMethodField()
    sentiment = serializers.SerializerMethodField()
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Hidden by moderators (only its author sees it)."
    )
    hidden_reason = serializers.CharField(read_only=True, help_text="Why moderators hid it; empty if not.")
    tags = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "movie",
            "author",
            "body",
            "has_spoilers",
            "source",
            "critic_verdict",
            "language",
            "like_count",
            "liked_by_me",
            "sentiment",
            "created_at",
            "updated_at",
            "hidden",
            "hidden_reason",
            "tags",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_tags(self, review: Review) -> list[str]:
        slugs = getattr(review, "tag_slugs", None)  # annotated by reviews.selectors.with_tags
        if slugs is None:
            slugs = sorted(t.slug for t in review.tags.all())
        return list(slugs)

    @extend_schema_field(serializers.BooleanField())
    def get_liked_by_me(self, review: Review) -> bool:
        return bool(getattr(review, "liked_by_me", False))

    @extend_schema_field(ReviewSentimentSerializer(allow_null=True))
    def get_sentiment(self, review: Review) -> dict[str, Any] | None:
        chip = review_sentiment(review)  # the recommender's, once analysed
        if chip is None:
            return None
        return {"label": chip["label"], "score": chip["score"]}


class LikeStateSerializer(serializers.Serializer):
    liked = serializers.BooleanField()
    like_count = serializers.IntegerField()


class RatingSerializer(serializers.ModelSerializer):
    movie = MovieBriefSerializer(read_only=True)

    class Meta:
        model = Rating
        fields = ["movie", "score", "created_at", "updated_at"]


class SimilarQuerySerializer(serializers.Serializer):
    spoilers = serializers.BooleanField(
        default=False,
        help_text="Include reviews their authors marked as containing spoilers (left out by default).",
    )


class SimilarReviewSerializer(serializers.Serializer):
    similarity = serializers.FloatField(help_text="Cosine of the two texts' vectors (MiniLM), 0 to 1.")
    review = ReviewSerializer()
