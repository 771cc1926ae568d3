from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from community.accounts.models import Visibility
from community.diary.models import DiaryEntry, ImportJob, Tag
from community.diary.selectors import TAGGED_REVIEWS_SHOWN
from community.movies.api.serializers import MovieBriefSerializer
from community.reviews.api.serializers import AuthorSerializer
from community.reviews.models import Review

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


class TagCloudEntrySerializer(serializers.Serializer):
    """One tag of a member's cloud (selectors.tag_cloud's Tag rows with `uses`)."""

    name = serializers.CharField(source="slug", help_text="The tag as shown (tags are stored as slugs).")
    slug = serializers.CharField()
    count = serializers.IntegerField(source="uses", help_text="Watches and reviews with it that you may see.")
    url = serializers.SerializerMethodField(help_text="The films with this tag (API).")

    @extend_schema_field(serializers.URLField())
    def get_url(self, tag: Tag) -> str:
        owner = self.context["owner"]
        path = reverse("api:user-tag", kwargs={"username": owner.username, "tag": tag.slug})
        return self.context["request"].build_absolute_uri(path)


class TaggedReviewSerializer(serializers.ModelSerializer):
    """A review on the films-by-tag list, as the page shows it."""

    movie = MovieBriefSerializer(read_only=True)
    hidden = serializers.BooleanField(
        source="is_hidden", read_only=True, help_text="Hidden by moderators (only its author sees it)."
    )

    class Meta:
        model = Review
        fields = ["id", "movie", "created_at", "hidden"]


class TaggedFilmsSerializer(serializers.Serializer):
    """A page of the films with a tag: the watches paginated, the newest reviews beside them."""

    count = serializers.IntegerField(help_text="Watches with the tag.")
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = DiaryEntrySerializer(many=True, help_text="Watches with the tag, newest first.")
    tag = serializers.CharField()
    reviews = TaggedReviewSerializer(
        many=True,
        help_text=f"The newest {TAGGED_REVIEWS_SHOWN} reviews with the tag, as the page lists them "
        "below the watches (the same on every page).",
    )
