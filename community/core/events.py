"""The events community sends after a commit; recommender subscribes to them.

Each is sent from `transaction.on_commit`, so receivers only ever see committed rows.
Receivers should queue a task and do nothing else.

- review_saved(review_id, user_id, movie_id, text_changed): a review was created or edited.
- review_deleted(review_id, user_id, movie_id)
- rating_saved(user_id, movie_id, score): a rating was set or changed.
- rating_deleted(user_id, movie_id)
- user_deleted(user_id): an account and its personal data were removed.
"""

from django.db import transaction
from django.dispatch import Signal

review_saved = Signal()
review_deleted = Signal()
rating_saved = Signal()
rating_deleted = Signal()
user_deleted = Signal()


def send_on_commit(signal: Signal, **kwargs: object) -> None:
    transaction.on_commit(lambda: signal.send(sender=None, **kwargs))
