"""The studio console API's shapes. Counts of fewer than 5 members are null ("fewer than 5")."""

from __future__ import annotations

from rest_framework import serializers

from recommender.insight import selectors

FEW = "null when fewer than 5 distinct members (privacy)."


class PortfolioInputSerializer(serializers.Serializer):
    sort = serializers.ChoiceField(
        choices=[*selectors.PORTFOLIO_SORTS, *[f"-{k}" for k in selectors.PORTFOLIO_SORTS]],
        default=selectors.DEFAULT_SORT,
        help_text="Column to sort by; a leading '-' sorts descending.",
    )
    year = serializers.IntegerField(min_value=1800, max_value=2100, required=False)
    genre = serializers.SlugField(max_length=50, required=False, help_text="A genre slug, e.g. 'drama'.")


class CompareInputSerializer(serializers.Serializer):
    films = serializers.CharField(max_length=200, help_text="Two to four film ids, comma-separated.")

    def validate_films(self, value: str) -> list[int]:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not all(p.isdigit() and len(p) < 10 for p in parts):
            raise serializers.ValidationError("Give film ids as numbers separated by commas.")
        ids = list(dict.fromkeys(int(p) for p in parts))
        if not 2 <= len(ids) <= selectors.MAX_COMPARE:
            raise serializers.ValidationError("Choose two to four films to compare.")
        return ids


class SummarySerializer(serializers.Serializer):
    ratings = serializers.IntegerField(allow_null=True, help_text=f"Ratings count; {FEW}")
    average = serializers.FloatField(allow_null=True, help_text=f"Average rating (0.5-5); {FEW}")
    reviews = serializers.IntegerField(allow_null=True, help_text=f"Reviews count; {FEW}")
    net_sentiment = serializers.FloatField(
        allow_null=True, help_text=f"(positive - negative) / analysed reviews, -1..1; {FEW}"
    )
    most_praised = serializers.CharField(help_text="Aspect with the best net share, or empty.")
    most_criticised = serializers.CharField(help_text="Aspect with the worst net share, or empty.")
    trend = serializers.ChoiceField(
        choices=["up", "down", "flat", ""], help_text="Empty: not enough ratings."
    )
    trend_arrow = serializers.CharField()
    trend_text = serializers.CharField()


class PortfolioRowSerializer(SummarySerializer):
    movie_id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class MovieRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class HistogramBinSerializer(serializers.Serializer):
    stars = serializers.FloatField()
    ratings = serializers.IntegerField(allow_null=True, help_text=FEW)
    share = serializers.FloatField(allow_null=True, help_text=FEW)


class SeriesPointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM, or YYYY when the series is by year.")
    ratings = serializers.IntegerField(allow_null=True, help_text=FEW)
    average = serializers.FloatField(allow_null=True, help_text=FEW)
    reviews = serializers.IntegerField(allow_null=True, help_text=f"Analysed reviews; {FEW}")
    net_sentiment = serializers.FloatField(allow_null=True, help_text=FEW)


SPOILER = (
    "True when the sentence comes from a review marked as containing spoilers; such quotes "
    "appear only when the studio opted in (show_spoiler_quotes)."
)


class AspectQuoteSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="A verbatim evidence sentence from a review (at most 300 characters), without its author."
    )
    sentiment = serializers.ChoiceField(choices=["positive", "negative"])
    spoiler = serializers.BooleanField(help_text=SPOILER)


class MentionQuoteSerializer(serializers.Serializer):
    text = serializers.CharField(
        help_text="A verbatim review sentence (at most 300 characters), without its author."
    )
    sentiment = serializers.FloatField(help_text="The sentence's sentiment, -1..1.")
    spoiler = serializers.BooleanField(help_text=SPOILER)


class FilmCharacterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["character", "performer"],
        help_text="character: found in the plot text; performer: from the cast list.",
    )
    name = serializers.CharField()
    actor = serializers.CharField(
        allow_null=True, help_text="Who plays the character, when the plot says so; null for performers."
    )
    reviewers = serializers.IntegerField(
        allow_null=True, help_text=f"Distinct reviewers whose sentences mention them; {FEW}"
    )
    mentions = serializers.IntegerField(allow_null=True, help_text=f"Review sentences mentioning them; {FEW}")
    sentiment = serializers.FloatField(
        allow_null=True, help_text=f"Mean sentiment of those sentences, -1..1 (null without mentions); {FEW}"
    )
    quotes = MentionQuoteSerializer(many=True)


class MomentSerializer(serializers.Serializer):
    phrase = serializers.CharField(
        help_text='A scene or story element, e.g. "the ending", "the final 20 minutes".'
    )
    reviewers = serializers.IntegerField(allow_null=True, help_text=FEW)
    mentions = serializers.IntegerField(allow_null=True, help_text=f"Review sentences naming it; {FEW}")
    sentiment = serializers.FloatField(allow_null=True, help_text=f"Mean sentiment of those sentences; {FEW}")
    quotes = MentionQuoteSerializer(many=True)


class FavouriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["character", "performer", "moment"])
    name = serializers.CharField(help_text="The character's or performer's name, or the moment's phrase.")
    reviewers = serializers.IntegerField(help_text="Distinct reviewers (always 5 or more here).")
    sentiment = serializers.FloatField(help_text="Mean sentiment of the sentences mentioning it, -1..1.")


class AspectSerializer(serializers.Serializer):
    aspect = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    reviewers = serializers.IntegerField(allow_null=True, help_text=FEW)
    mentions = serializers.IntegerField(allow_null=True, help_text=FEW)
    positive_share = serializers.FloatField(allow_null=True)
    negative_share = serializers.FloatField(allow_null=True)
    net_share = serializers.FloatField(allow_null=True)
    benchmark = serializers.FloatField(allow_null=True, help_text="Median net share of comparable films.")
    quotes = AspectQuoteSerializer(many=True)


class SegmentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["tenure", "taste"])
    name = serializers.CharField()
    raters = serializers.IntegerField(allow_null=True, help_text=FEW)
    average = serializers.FloatField(allow_null=True, help_text="The segment's average rating of this film.")
    own_average = serializers.FloatField(
        allow_null=True, help_text="The segment's average over all its ratings."
    )
    difference = serializers.FloatField(allow_null=True)


class TrendSerializer(serializers.Serializer):
    direction = serializers.CharField(required=False, help_text="up, down, flat, or empty (too few ratings).")
    arrow = serializers.CharField(required=False)
    text = serializers.CharField(required=False)
    months = serializers.IntegerField(allow_null=True, required=False)
    recent_average = serializers.FloatField(allow_null=True, required=False)
    previous_average = serializers.FloatField(allow_null=True, required=False)


class BenchmarkRowSerializer(serializers.Serializer):
    figure = serializers.CharField()
    film = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)
    difference = serializers.FloatField(allow_null=True)


class BenchmarksSerializer(serializers.Serializer):
    group = serializers.CharField(help_text="Comparable films: same main genre and decade.")
    films = serializers.IntegerField()
    rating_average = serializers.FloatField(allow_null=True)
    net_sentiment = serializers.FloatField(allow_null=True)
    aspects = serializers.DictField(child=serializers.FloatField(allow_null=True))
    rows = BenchmarkRowSerializer(many=True)


class AudienceSummarySerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["ready", "pending", "too_few"],
        help_text="ready: a summary is written; pending: not yet; too_few: fewer than 5 analysed "
        "reviewers, so the film gets none.",
    )
    text = serializers.CharField(
        help_text="AI-generated paragraph from the film's aggregates and unattributed quotes only; "
        "every number, quote and name in it was checked against those facts. Empty unless ready."
    )
    is_fallback = serializers.BooleanField(
        help_text="True: a template text from the same figures (the model's text failed the checks)."
    )
    model_name = serializers.CharField(help_text="The language model that wrote it.")
    model_version = serializers.CharField()
    data_until = serializers.DateTimeField(
        allow_null=True, help_text="Newest rating or review in the figures the text was written from."
    )
    generated_at = serializers.DateTimeField(allow_null=True)
    analysed_reviews = serializers.IntegerField(
        allow_null=True, help_text="Analysed reviews in the figures it was written from."
    )


class FilmInsightSerializer(serializers.Serializer):
    movie = MovieRefSerializer()
    ready = serializers.BooleanField(help_text="False until the film's figures have been computed.")
    refreshed_at = serializers.DateTimeField(allow_null=True)
    data_until = serializers.DateTimeField(allow_null=True, help_text="Newest rating or review included.")
    summary = SummarySerializer()
    histogram = HistogramBinSerializer(many=True)
    series_granularity = serializers.ChoiceField(choices=["month", "year"])
    series = SeriesPointSerializer(many=True)
    aspects = AspectSerializer(many=True)
    characters = FilmCharacterSerializer(
        many=True, help_text="Ranked by reviewers, then sentiment; entries under 5 reviewers are masked."
    )
    moments = MomentSerializer(many=True, help_text="Ranked by reviewers, then sentiment.")
    loved_most = FavouriteSerializer(
        many=True, help_text="Up to 3 characters, performers or moments with 5+ reviewers, best liked first."
    )
    liked_least = FavouriteSerializer(
        many=True, help_text="Up to 3 others with 5+ reviewers, least liked first."
    )
    has_plot = serializers.BooleanField(help_text="False: the film has no plot text, so no characters.")
    show_spoiler_quotes = serializers.BooleanField(
        help_text="Whether your studio sees quotes from reviews marked as spoilers."
    )
    segments = SegmentSerializer(many=True)
    trend = TrendSerializer()
    benchmarks = BenchmarksSerializer()
    audience_summary = AudienceSummarySerializer(
        required=False, help_text="The AI-generated audience summary (film insight only, not in compare)."
    )


class CompareSerializer(serializers.Serializer):
    films = FilmInsightSerializer(many=True)
