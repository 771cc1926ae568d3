from __future__ import annotations

from rest_framework import serializers


class AudiencesQuerySerializer(serializers.Serializer):
    spoilers = serializers.BooleanField(
        default=False,
        help_text="Count reviews their authors marked as containing spoilers too (left out by default). "
        "When the film has no such reviews, both answers are the same text.",
    )


class PointSerializer(serializers.Serializer):
    point = serializers.CharField(help_text='An aspect ("acting", "pacing", ...) or a label ("positive").')
    name = serializers.CharField(help_text='What the point is, in words ("the acting").')
    reviews = serializers.IntegerField(help_text="How many counted reviews are behind the point.")
    url = serializers.CharField(help_text="The page listing those reviews.")


class SentenceSerializer(serializers.Serializer):
    text = serializers.CharField()
    points = PointSerializer(many=True, help_text="The reviews behind the sentence; empty if it names none.")


class QuoteSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="A sentence of a counted, visible review, verbatim.")
    review_id = serializers.IntegerField()
    aspect = serializers.CharField()
    sentiment = serializers.CharField(help_text='"positive" or "negative".')
    url = serializers.CharField(help_text="The reviews on this aspect, the quoted one first.")


class AudiencesSerializer(serializers.Serializer):
    variant = serializers.ChoiceField(choices=["spoiler_free", "with_spoilers"])
    text = serializers.CharField(
        help_text="Two to four sentences, AI-generated from the counts of the review analyses and checked "
        "(every number one of the counts, every sentence supported by them)."
    )
    sentences = SentenceSerializer(many=True)
    quotes = QuoteSerializer(many=True, help_text="Up to two short quotes.")
    reviews = serializers.IntegerField(help_text="Reviews counted (visible and analysed).")
    spoilers_included = serializers.BooleanField()
    model_name = serializers.CharField(help_text="The language model that wrote it.")
    model_version = serializers.CharField()
    data_until = serializers.DateTimeField(help_text="The newest analysis it read.")
    generated_at = serializers.DateTimeField()


class MovieAudiencesSerializer(serializers.Serializer):
    audiences = AudiencesSerializer(
        allow_null=True,
        help_text="Null when the film has fewer than 5 counted reviews, no text has been written yet, "
        "its reviews changed since (it is being written again) or the model's attempts failed the checks.",
    )
