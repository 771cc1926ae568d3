""" "What audiences say": one row per film and variant, with what it was written from.

Imported by recommender/models.py so that the `recommender` app owns the table.
"""

from __future__ import annotations

from django.db import models


class AudienceNote(models.Model):
    """A film's "What audiences say" text in one variant, and the counts it read.

    `spoiler_free` counts the visible analysed reviews not marked as spoilers; `with_spoilers`
    counts them all, and exists only when the film has reviews marked as spoilers (otherwise
    its counts would be the same). A row with an empty text records that both attempts failed
    the checks: nothing is shown, and the model is not asked again until the counts change
    enough (services.REWRITE_*). `review_ids` are the reviews counted: if one of them is hidden,
    deleted or changes its spoiler mark, the text is not shown until it is written again.
    """

    class Variant(models.TextChoices):
        SPOILER_FREE = "spoiler_free", "Without reviews marked as spoilers"
        WITH_SPOILERS = "with_spoilers", "With reviews marked as spoilers"

    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="audience_notes")
    variant = models.CharField(max_length=14, choices=Variant.choices)
    text = models.TextField(blank=True)
    # [{"text": sentence, "points": [{"point", "name", "reviews"}]}]: each sentence with the
    # lists of reviews behind it (views.point_reviews)
    sentences = models.JSONField(default=list, blank=True)
    # [{"text", "review_id", "aspect", "sentiment"}]: verbatim sentences of counted reviews
    quotes = models.JSONField(default=list, blank=True)
    # The counts it was written from (recommender.llm.audiences_prompts.ReaderFacts as JSON)
    facts = models.JSONField(default=dict, blank=True)
    review_ids = models.JSONField(default=list, blank=True)
    analysed_count = models.PositiveIntegerField(default=0)
    data_until = models.DateTimeField(null=True, blank=True, help_text="the newest analysis it read")
    model_name = models.CharField(max_length=200, blank=True)
    model_version = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    passed_first = models.BooleanField(default=False)
    support_checked = models.BooleanField(default=False)
    # Why the model's attempts failed the checks, if they did: one list of problems per attempt.
    failures = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movie", "variant"], name="one_audience_note_per_variant")
        ]

    def __str__(self) -> str:
        return f"What audiences say of movie {self.movie_id} ({self.variant})"
