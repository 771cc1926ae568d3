"""Ask CineCircle: a member's conversations, one turn per request, with the picks it got.

Imported by recommender/models.py so that the `recommender` app owns the tables. Deleted with
the member (CASCADE) and carried by "download my data" (recommender/exports.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AskConversation(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ask_conversations"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-updated_at"])]

    def __str__(self) -> str:
        return f"Ask conversation {self.pk} of user {self.user_id}"


class AskTurn(models.Model):
    """One request and its answer. `query` is the structured request as understood (after
    the rules, the generator and the catalogue look-ups: parsing.Query.as_dict()); `picks` the
    answer, each {"movie_id", "score", "reason", "explanation", "status", "is_fallback",
    "model_name", "model_version"}, where status is "pending" while its sentence is written,
    "ready", or "none" (no budget left: the reason stands alone)."""

    class Source(models.TextChoices):
        REQUEST = "request", "A request"
        BROADEN = "broaden", "A chip removed"

    conversation = models.ForeignKey(AskConversation, on_delete=models.CASCADE, related_name="turns")
    number = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.REQUEST)
    text = models.CharField(max_length=500)
    language = models.CharField(max_length=5, default="en")
    query = models.JSONField(default=dict, blank=True)
    # What the member should see about how it was read: unresolved names with suggestions,
    # "no model yet, so popular films", "your AI budget is spent".
    notices = models.JSONField(default=list, blank=True)
    picks = models.JSONField(default=list, blank=True)
    popular_fallback = models.BooleanField(default=False, help_text="ranked by popularity: no taste model")
    # Whether the generator still has to read the part of the request the rules left over.
    generator_parse = models.CharField(max_length=10, default="none")  # none | pending | done | failed
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["conversation", "number"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "number"], name="one_ask_turn_per_number"),
        ]

    def __str__(self) -> str:
        return f"Turn {self.number} of ask conversation {self.conversation_id}"

    @property
    def pending(self) -> bool:
        return self.generator_parse == "pending" or any(p.get("status") == "pending" for p in self.picks)
