"""The events community sends after a commit; recommender subscribes to them.

Each is sent from `transaction.on_commit`, so receivers only ever see committed rows.
Receivers should queue a task and do nothing else.

- review_saved(review_id, user_id, movie_id, text_changed): a review was created or edited.
- review_deleted(review_id, user_id, movie_id)
- rating_saved(user_id, movie_id, score): a rating was set or changed.
- ratings_saved(user_id, movie_ids): many ratings of one member were set or changed at once (a
  Letterboxd import); stands for one rating_saved per film, so what depends on the member is
  refreshed once and what depends on a film once per film.
- rating_deleted(user_id, movie_id)
- user_deleted(user_id): an account and its personal data were removed.
- review_visibility_changed(review_id, user_id, movie_id, hidden): staff hid or restored a review
  (community.moderation); what reads reviews recomputes without (or again with) it.
- thread_saved(thread_id, movie_id): a discussion thread was started or its title or opening
  post edited.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

review_saved = Signal()
review_deleted = Signal()
rating_saved = Signal()
ratings_saved = Signal()
rating_deleted = Signal()
user_deleted = Signal()
review_visibility_changed = Signal()
thread_saved = Signal()


def send_on_commit(signal: Signal, **kwargs: object) -> None:
    """Send `signal` once the current transaction commits.

    The change is saved by then, so a receiver that fails (a broker that is down refuses the
    task it queues) must not turn the member's request into an error: each receiver runs on
    its own, a failure is logged, and the periodic sweeps pick up the work (for reviews,
    recommender.tasks.analysis.unanalysed_reviews_sweep).
    """

    def send() -> None:
        for receiver, result in signal.send_robust(sender=None, **kwargs):
            if isinstance(result, Exception):
                log.error(
                    "event receiver %s failed (%s: %s); the change is saved, its follow-up waits for a sweep",
                    getattr(receiver, "__qualname__", receiver),
                    type(result).__name__,
                    result,
                    exc_info=(type(result), result, result.__traceback__),
                )

    transaction.on_commit(send)
