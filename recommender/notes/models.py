"""The movie page's notes, one row per film and kind, with what produced them.

Imported by recommender/models.py so that the `recommender` app owns the table.
"""

from __future__ import annotations

from django.db import models


class MovieNote(models.Model):
    """A film's synopsis (written by the generator) or character guide (extracted from its plot).

    A synopsis row with an empty text records that both attempts failed the checks: the page
    shows nothing, and the model is not asked again until the plot, the cast or the model
    changes. `source_hash` says which plot text and cast the note was made from, `version`
    which model (synopsis) or extraction (character guide) made it.
    """

    class Kind(models.TextChoices):
        SYNOPSIS = "synopsis", "Synopsis"
        CHARACTERS = "characters", "Character guide"

    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField(blank=True)
    # Character guide: [{"name", "actor", "line"}] (recommender.notes.characters)
    items = models.JSONField(default=list, blank=True)
    source_hash = models.CharField(max_length=64, help_text="sha256 of the title, plot and cast it read")
    model_name = models.CharField(max_length=200, blank=True)
    version = models.CharField(max_length=100, help_text="the model's (synopsis) or the extraction's version")
    attempts = models.PositiveSmallIntegerField(default=0)
    passed_first = models.BooleanField(default=False)
    support_checked = models.BooleanField(default=False)
    # Why the model's attempts failed the checks, if they did: one list of problems per attempt.
    failures = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["movie", "kind"], name="one_note_per_movie_and_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of movie {self.movie_id}"
