"""What "hidden by moderators" means for a review, a thread or a reply, in one place.

The three models take ``Hideable`` (two columns, so filtering stays a cheap ``IS NULL``) and a
manager built from ``HideableQuerySet``. Every read that shows content to people goes through
``.visible()`` (what everyone may see) or ``.visible_to(user)`` (that, plus the member's own
hidden posts, which they see marked "Hidden by moderators: <reason>").
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

_M = TypeVar("_M", bound=models.Model)


class Hideable(models.Model):
    # Set only through community.moderation.services (content_hide / content_restore).
    hidden_at = models.DateTimeField(null=True, blank=True, editable=False)
    hidden_reason = models.CharField(max_length=500, blank=True, default="", editable=False)

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class HideableQuerySet(models.QuerySet[_M]):
    # The field naming the member who wrote the row ("user" on reviews, "author" on posts).
    author_field = "user"

    def visible(self) -> HideableQuerySet[_M]:
        """Rows nobody has hidden: what pages, the API, feeds and aggregates show."""
        return self.filter(hidden_at__isnull=True)

    def hidden(self) -> HideableQuerySet[_M]:
        return self.filter(hidden_at__isnull=False)

    def visible_to(self, user: Any) -> HideableQuerySet[_M]:
        """Visible rows, plus the member's own hidden ones (shown to them with the reason)."""
        if user is None or not getattr(user, "is_authenticated", False):
            return self.visible()
        return self.filter(Q(hidden_at__isnull=True) | Q(**{self.author_field: user.pk}))


def hidden_q(prefix: str = "") -> Q:
    """``Q`` for rows related through ``prefix`` (e.g. "review__") that nobody hid."""
    return Q(**{f"{prefix}hidden_at__isnull": True})
