from __future__ import annotations

from rest_framework import serializers

from community.accounts.models import Visibility
from community.diary.models import DiaryEntry, ImportJob
from community.movies.api.serializers import MovieBriefSerializer
from community.reviews.api.serializers import AuthorSerializer

# --- input ---


class DiaryEntryInputSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    watched_on = serializers.DateField(required=False)
    rewatch = serializers.BooleanField(required=False, default=False)
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=20)
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.PUBLIC
    )
    review_text = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    has_spoilers = serializers.BooleanField(required=False, default=False)


class DiaryEntryUpdateSerializer(serializers.Serializer):
    watched_on = serializers.DateField(required=False)
    rewatch = serializers.BooleanField(required=False)
    rating = serializers.DecimalField(max_digits=2, decimal_places=1, required=False, allow_null=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False, max_length=20)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    visibility = serializers.ChoiceField(
        choices=Visibility.choices, required=False, default=Visibility.PUBLIC
    )


class ImportResolveSerializer(serializers.Serializer):
    movie_id = serializers.IntegerField(
        min_value=1, allow_null=True, help_text="A candidate's id; null skips the film."
    )


# --- output ---


class DiaryEntrySerializer(serializers.ModelSerializer):
    movie = MovieBriefSerializer(read_only=True)
    user = AuthorSerializer(read_only=True)
    tags = serializers.SerializerMethodField()

    class Meta:
        model = DiaryEntry
        fields = [
            "id",
            "user",
            "movie",
            "watched_on",
            "rewatch",
            "rating",
            "review",
            "tags",
            "visibility",
            "created_at",
        ]

    def get_tags(self, entry: DiaryEntry) -> list[str]:
        return [t.slug for t in entry.tags.all()]


class ImportJobSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportJob
        fields = [
            "id",
            "filename",
            "visibility",
            "status",
            "total",
            "processed",
            "percent",
            "summary",
            "unmatched",
            "error",
            "created_at",
            "finished_at",
        ]
