"""Related threads, on each discussion: a slot the recommender fills.

Like community.reviews.similar: the recommender registers the provider from its
AppConfig.ready(); without one, a thread has no related threads. The thread page and the API
both ask `related_threads`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from community.discussions.models import Thread

SHOWN = 3


class RelatedThread(NamedTuple):
    thread: Thread  # with .movie and .author loaded (author None: a deleted member)
    similarity: float


# provider(thread, limit=...) -> [RelatedThread, ...]
RelatedProvider = Callable[..., list[RelatedThread]]

_provider: RelatedProvider | None = None


def related_threads_register(provider: RelatedProvider) -> None:
    """Provide the related threads. The provider promises: other threads, not hidden by
    moderators, in the same language as this one."""
    global _provider
    _provider = provider


def related_threads(thread: Thread, *, limit: int = SHOWN) -> list[RelatedThread]:
    """Up to `limit` threads about something similar (none without a provider)."""
    if _provider is None:
        return []
    return _provider(thread, limit=limit)
