from __future__ import annotations

from rest_framework import serializers


class CharacterReviewsSerializer(serializers.Serializer):
    reviewers = serializers.IntegerField(
        help_text="Distinct reviewers whose visible reviews name the character."
    )
    mentions = serializers.IntegerField(help_text="Review sentences that name the character.")
    sentiment = serializers.FloatField(
        allow_null=True, help_text="Mean sentiment of those sentences, -1 (negative) to 1 (positive)."
    )
    quote = serializers.CharField(
        allow_blank=True, help_text="A verbatim sentence from a review not marked as a spoiler, or empty."
    )


class CharacterSerializer(serializers.Serializer):
    name = serializers.CharField()
    actor = serializers.CharField(
        allow_null=True, help_text="Null when neither the plot nor the cast pairs one."
    )
    line = serializers.CharField(
        allow_blank=True, help_text="A sentence taken from the first two thirds of the plot text, or empty."
    )
    reviews = CharacterReviewsSerializer(
        allow_null=True, help_text="Null when no review names the character."
    )


class SynopsisSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="Two or three sentences, spoiler-free, checked against the plot text."
    )
    model_name = serializers.CharField(help_text="The language model that wrote it (AI-generated).")
    model_version = serializers.CharField()
    generated_at = serializers.DateTimeField()


class MovieNotesSerializer(serializers.Serializer):
    synopsis = SynopsisSerializer(
        allow_null=True,
        help_text="Null when the film has no plot text to condense, none has been written yet, "
        "or the model's attempts failed the checks.",
    )
    characters = CharacterSerializer(many=True, help_text="Empty when the plot text names no characters.")
    characters_version = serializers.CharField(
        allow_blank=True, help_text="The version of the character extraction."
    )
