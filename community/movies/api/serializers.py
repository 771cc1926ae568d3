"""Output serializers of the catalog (the catalog takes no input through the API)."""

from __future__ import annotations

from rest_framework import serializers

from community.movies.models import Genre, Movie


class GenreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Genre
        fields = ["slug", "name"]


class MovieBriefSerializer(serializers.ModelSerializer):
    """A movie as it appears inside other resources (reviews, watchlists, recommendations)."""

    class Meta:
        model = Movie
        fields = ["id", "slug", "title", "year"]


class MovieListSerializer(serializers.ModelSerializer):
    genres = GenreSerializer(many=True, read_only=True)

    class Meta:
        model = Movie
        fields = [
            "id",
            "slug",
            "title",
            "year",
            "genres",
            "runtime_minutes",
            "director_names",
            "rating_count",
            "rating_average",
            "review_count",
        ]


class PersonCreditSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=["director", "writer", "cast"])


class RatingBucketSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=2, decimal_places=1)
    count = serializers.IntegerField()


class RatingStatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    histogram = RatingBucketSerializer(many=True, help_text="One bucket per half star, 0.5 to 5.")


class AspectSummarySerializer(serializers.Serializer):
    aspect = serializers.CharField()
    positive = serializers.IntegerField()
    negative = serializers.IntegerField()


class SentimentSummarySerializer(serializers.Serializer):
    analysed_reviews = serializers.IntegerField()
    positive = serializers.IntegerField()
    negative = serializers.IntegerField()
    mixed = serializers.IntegerField()
    average_score = serializers.FloatField(allow_null=True, help_text="-1 (very negative) to 1.")
    aspects = AspectSummarySerializer(many=True, help_text="The most discussed aspects.")


class MovieDetailSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    genres = GenreSerializer(many=True)
    runtime_minutes = serializers.IntegerField(allow_null=True)
    imdb_id = serializers.CharField()
    plot = serializers.CharField()
    plot_source = serializers.CharField()
    plot_source_url = serializers.CharField()
    plot_license = serializers.CharField()
    credits = PersonCreditSerializer(many=True)
    review_count = serializers.IntegerField()
    rating_stats = RatingStatsSerializer()
    sentiment = SentimentSummarySerializer()
    my_rating = serializers.DecimalField(
        max_digits=2, decimal_places=1, allow_null=True, help_text="The signed-in user's rating, if any."
    )
    in_my_watchlist = serializers.BooleanField(help_text="False when not signed in.")
