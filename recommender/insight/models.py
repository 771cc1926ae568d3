"""Aggregates kept per film (and per comparable-film group) for the studio console.

Imported by recommender/models.py so that the `recommender` app owns the tables.
The JSON fields hold raw counts; privacy masking (fewer than 5 members) happens in
`recommender.insight.selectors`, the one place pages and the API read from, and quotes
are only ever stored without their author.
"""

from __future__ import annotations

from django.db import models


class FilmInsight(models.Model):
    """Everything the console shows about one film, recomputed by `film_insight_refresh`."""

    class Trend(models.TextChoices):
        UP = "up", "Rising"
        DOWN = "down", "Falling"
        FLAT = "flat", "Steady"
        UNKNOWN = "", "Not enough ratings"

    movie = models.OneToOneField("movies.Movie", on_delete=models.CASCADE, related_name="insight")
    ratings_count = models.PositiveIntegerField(default=0)
    rating_average = models.FloatField(null=True, blank=True)
    reviews_count = models.PositiveIntegerField(default=0)
    analysed_count = models.PositiveIntegerField(default=0)
    # (positive reviews - negative reviews) / analysed reviews, -1..1
    net_sentiment = models.FloatField(null=True, blank=True)
    raters_count = models.PositiveIntegerField(default=0)
    reviewers_count = models.PositiveIntegerField(default=0)
    # Ten counts, for 0.5, 1.0, ... 5.0 stars.
    histogram = models.JSONField(default=list, blank=True)
    # "month" or "year": months when most months hold at least 5 ratings, else years.
    series_granularity = models.CharField(max_length=5, default="month")
    # [{"period": "2015-03", "ratings": n, "average": x, "reviews": n, "net_sentiment": x}]
    series = models.JSONField(default=list, blank=True)
    # {aspect: {"mentions", "positive", "negative", "reviewers", "net_share", "quote_reviewers",
    #          "quotes": [{"text", "sentiment"}]}}
    aspects = models.JSONField(default=dict, blank=True)
    most_praised = models.CharField(max_length=30, blank=True)
    most_criticised = models.CharField(max_length=30, blank=True)
    trend = models.CharField(max_length=4, choices=Trend.choices, blank=True)
    # {"months": 12, "recent_average", "recent_count", "previous_average", "previous_count",
    #  "change", "until": "2016-10"}
    trend_detail = models.JSONField(default=dict, blank=True)
    # [{"kind": "tenure"|"taste", "name", "raters", "average", "own_average", "difference"}]
    segments = models.JSONField(default=list, blank=True)
    # Characters (from the plot text) and performers (cast list) and how reviews talk about
    # them: [{"kind": "character"|"performer", "name", "actor", "reviewers", "mentions",
    #         "sentiment", "quotes": [{"text", "sentiment", "spoiler"}]}] (recommender.insight.mentions)
    characters = models.JSONField(default=list, blank=True)
    # Scenes and story elements reviewers talk about: [{"phrase", "reviewers", "mentions",
    #  "sentiment", "quotes": [{"text", "sentiment", "spoiler"}]}]
    moments = models.JSONField(default=list, blank=True)
    main_genre = models.CharField(max_length=40, blank=True)
    decade = models.PositiveSmallIntegerField(null=True, blank=True)
    # The newest rating or review the figures include.
    data_until = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["main_genre", "decade"])]

    def __str__(self) -> str:
        return f"Insight for movie {self.movie_id}"


class InsightBenchmark(models.Model):
    """Medians over comparable films (same main genre and decade) that have insight rows."""

    main_genre = models.CharField(max_length=40)
    decade = models.PositiveSmallIntegerField()
    films = models.PositiveIntegerField(default=0)
    rating_average = models.FloatField(null=True, blank=True)
    net_sentiment = models.FloatField(null=True, blank=True)
    # {aspect: median net share}
    aspects = models.JSONField(default=dict, blank=True)
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["main_genre", "decade"], name="one_benchmark_per_group"),
        ]

    def __str__(self) -> str:
        return f"Benchmark {self.main_genre} {self.decade}s"


class AudienceSummary(models.Model):
    """The console's "audience summary" paragraph of one film, written from its FilmInsight.

    Written by the language model from the aggregates and quotes only and checked (numbers,
    verbatim quotes, names); when the checks fail twice a template text is stored with
    `is_fallback`. `analysed_count` and `data_until` say which figures it read.
    """

    movie = models.OneToOneField("movies.Movie", on_delete=models.CASCADE, related_name="audience_summary")
    text = models.TextField(blank=True)
    is_fallback = models.BooleanField(default=False)
    # The facts the text was written from (the grounding reads them again to check).
    facts = models.JSONField(default=dict, blank=True)
    # Why the model's attempts failed the checks, if they did.
    failures = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    analysed_count = models.PositiveIntegerField(default=0)
    data_until = models.DateTimeField(null=True, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "audience summaries"

    def __str__(self) -> str:
        return f"Audience summary for movie {self.movie_id}"
