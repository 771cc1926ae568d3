"""Biased-MF factors of members and movies, per recommender model version.

Imported by recommender/models.py so that the `recommender` app owns the tables.
A predicted rating is ``bias`` of the movie + ``bias`` of the member + the dot product of
their ``factors`` (float32 bytes), both written by the same ``model_version``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class MemberRatingFactors(models.Model):
    """The member's factors folded into a model from their own ratings; `bias` is b_u."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="rating_factors"
    )
    model_version = models.CharField(max_length=100)
    bias = models.FloatField()
    factors = models.BinaryField()
    rating_count = models.PositiveIntegerField(help_text="ratings the factors were folded in from")
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"rating factors of user {self.user_id} ({self.model_version})"


class MovieRatingFactors(models.Model):
    """The movie's factors in one model; `bias` is mu + b_i (the global mean included)."""

    movie = models.ForeignKey("movies.Movie", on_delete=models.CASCADE, related_name="rating_factors")
    model_version = models.CharField(max_length=100)
    bias = models.FloatField()
    factors = models.BinaryField()
    rating_count = models.PositiveIntegerField(help_text="training ratings of the movie")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["model_version", "movie"], name="one_rating_factors_per_movie")
        ]

    def __str__(self) -> str:
        return f"rating factors of movie {self.movie_id} ({self.model_version})"
