"""One text vector per review and per thread, with its nearest neighbours.

Imported by recommender/models.py so that the `recommender` app owns the tables.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class TextVector(models.Model):
    """`vector`: 384 float32 (unit length) of the text whose sha256 is `text_hash`, made by
    `model_version`. `neighbour_ids` / `neighbour_scores`: the rows of the same language and
    encoder most similar to this one, best first, that may be shown beside it (for a review:
    another film, another author); who may *see* them is decided when a page asks.

    The lists are JSON (jsonb on PostgreSQL, text on SQLite) so that both databases store them;
    services.lists_holding finds the rows whose list holds an id."""

    vector = models.BinaryField()
    text_hash = models.CharField(max_length=64)
    language = models.CharField(max_length=8, db_index=True)
    model_version = models.CharField(max_length=100, db_index=True)
    neighbour_ids = models.JSONField(default=list, blank=True)  # [owner id, ...]
    neighbour_scores = models.JSONField(default=list, blank=True)  # [cosine, ...]
    # The score a newcomer must beat to enter a full list (-1 while the list has room).
    floor = models.FloatField(default=-1.0)
    computed_at = models.DateTimeField()

    class Meta:
        abstract = True


class ReviewVector(TextVector):
    review = models.OneToOneField("reviews.Review", on_delete=models.CASCADE, related_name="text_vector")

    class Meta:
        # Serves services.lists_holding's `neighbour_ids @> '[id]'` on PostgreSQL: jsonb_path_ops
        # is the smaller GIN opclass and answers containment, the one query asked. SQLite ignores
        # the opclass and keeps a plain index that no query uses (harmless, and small).
        indexes = [
            GinIndex(fields=["neighbour_ids"], opclasses=["jsonb_path_ops"], name="reviewvector_neighbours")
        ]

    def __str__(self) -> str:
        return f"vector of review {self.review_id}"


class ThreadVector(TextVector):
    thread = models.OneToOneField("discussions.Thread", on_delete=models.CASCADE, related_name="text_vector")

    class Meta:
        indexes = [
            GinIndex(fields=["neighbour_ids"], opclasses=["jsonb_path_ops"], name="threadvector_neighbours")
        ]

    def __str__(self) -> str:
        return f"vector of thread {self.thread_id}"
