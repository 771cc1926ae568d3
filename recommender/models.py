"""What the recommender floor writes: analyses, taste profiles, picks, generated texts, artefacts.

Every model-produced row records the name and version of the model that produced it.
"""

from django.conf import settings
from django.db import models


class ReviewAnalysis(models.Model):
    class Label(models.TextChoices):
        POSITIVE = "positive", "Positive"
        NEGATIVE = "negative", "Negative"
        MIXED = "mixed", "Mixed"

    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="analysis")
    label = models.CharField(max_length=10, choices=Label.choices)
    score = models.FloatField(help_text="-1 (very negative) to 1 (very positive)")
    confidence = models.FloatField()
    # [{"aspect": "acting", "sentiment": "positive", "score": 0.8, "sentence": "..."}]
    aspects = models.JSONField(default=list, blank=True)
    text_hash = models.CharField(max_length=64, help_text="sha256 of the text that was analysed")
    model_name = models.CharField(max_length=200)
    model_version = models.CharField(max_length=100, db_index=True)
    analysed_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "review analyses"

    def __str__(self) -> str:
        return f"{self.label} ({self.score:+.2f}) for review {self.review_id}"


class TasteProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="taste_profile"
    )
    # {"genres": {"Crime": 0.8, ...}, "aspects": {"pacing": 0.6, ...}, "people": {"Michael Mann": 0.9}}
    preferences = models.JSONField(default=dict, blank=True)
    summary = models.TextField(blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    review_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Taste profile of {self.user}"


class Recommendation(models.Model):
    class Row(models.TextChoices):
        TOP_PICKS = "top_picks", "Top picks for you"
        BECAUSE_YOU_LOVED = "because_you_loved", "Because you loved"
        HIDDEN_GEMS = "hidden_gems", "Hidden gems"
        MORE_LIKE_THIS = "more_like_this", "More like"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recommendations"
    )
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    row = models.CharField(max_length=20, choices=Row.choices)
    # The row's subject: the anchor movie's title or the genre name ("Because you loved Heat").
    row_subject = models.CharField(max_length=300, blank=True)
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    reason = models.CharField(max_length=300)
    model_version = models.CharField(max_length=100)
    created_at = models.DateTimeField()
    # Not a field: the `recommendation_rows` template tag sets it on each pick it shows.
    explanation: str

    class Meta:
        ordering = ["user", "row", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["user", "row", "movie"], name="one_pick_per_row"),
        ]
        indexes = [models.Index(fields=["user", "row", "rank"])]


class RecommendationFeedback(models.Model):
    class Kind(models.TextChoices):
        NOT_INTERESTED = "not_interested", "Not interested"
        MORE_LIKE_THIS = "more_like_this", "More like this"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rec_feedback")
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "movie", "kind"], name="one_feedback_per_kind"),
        ]


class GeneratedText(models.Model):
    """A language-model text for one user about one movie; shown labelled "AI-generated"."""

    class Kind(models.TextChoices):
        REVIEW_DRAFT = "review_draft", "Review draft"
        DISCUSSION_SUGGESTIONS = "discussion_suggestions", "Discussion suggestions"
        EXPLANATION = "explanation", "Recommendation explanation"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generated_texts"
    )
    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    text = models.TextField(blank=True)
    # Structured output where a kind has one (e.g. the three suggested questions).
    payload = models.JSONField(default=dict, blank=True)
    is_fallback = models.BooleanField(default=False, help_text="template text used after failed checks")
    error = models.CharField(max_length=500, blank=True)
    model_name = models.CharField(max_length=200, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "user", "movie"], name="one_text_per_kind_user_movie"),
        ]


ASK_PARSE_CHARGE = ("ask_parse", "Ask CineCircle: the generator reading a request")


class GenerationCharge(models.Model):
    """One unit of a member's generation budget, taken when a text is queued for the model.

    Kept for the budget's rolling window (recommender/services/budget.py), then pruned.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_charges"
    )
    # Ask CineCircle's reading of a request by the generator costs a unit too (recommender/ask/).
    kind = models.CharField(max_length=30, choices=[*GeneratedText.Kind.choices, ASK_PARSE_CHARGE])
    # Kept when the movie goes: deleting a movie gives no units back.
    movie = models.ForeignKey("movies.Movie", on_delete=models.SET_NULL, null=True, related_name="+")
    charged_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "charged_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id} at {self.charged_at:%Y-%m-%d %H:%M}"


class ModelArtifact(models.Model):
    """A trained or converted model on disk; exactly one per kind is active at a time."""

    class Kind(models.TextChoices):
        SENTIMENT = "sentiment", "Sentiment classifier"
        RECOMMENDER = "recommender", "Hybrid recommender"
        GENERATOR = "generator", "Text generator"
        EMBEDDINGS = "embeddings", "Text embeddings"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.CharField(max_length=100)
    path = models.CharField(max_length=500)
    is_active = models.BooleanField(default=False)
    metrics = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="one_artifact_per_version"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_active=True), name="one_active_artifact_per_kind"
            ),
        ]


# Ask CineCircle's conversations and turns live in recommender/ask/.
from recommender.ask.models import AskConversation, AskTurn  # noqa: E402, F401

# The studio console's aggregates live in recommender/insight/ but belong to this app.
# The movie page's "What audiences say" lives in recommender/audiences/.
from recommender.audiences.models import AudienceNote  # noqa: E402, F401
from recommender.insight.models import AudienceSummary, FilmInsight, InsightBenchmark  # noqa: E402, F401

# The movie page's notes (synopsis, character guide) live in recommender/notes/.
from recommender.notes.models import MovieNote  # noqa: E402, F401

# A member's predicted rating of a film: biased-MF factors, in recommender/predicted/.
from recommender.predicted.models import MemberRatingFactors, MovieRatingFactors  # noqa: E402, F401

# Similar reviews and related threads: one vector per text, in recommender/similar/.
from recommender.similar.models import ReviewVector, ThreadVector  # noqa: E402, F401
