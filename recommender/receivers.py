"""Subscriptions to community's events. Each receiver queues a task and does nothing else."""

from django.dispatch import receiver  # noqa: F401

from community.core import events  # noqa: F401

# --- review sentiment and taste profiles (recommender.tasks.analysis) ---


@receiver(events.review_saved, dispatch_uid="recommender.analyse_review")
def _analyse_saved_review(sender, review_id: int, user_id: int, text_changed: bool = True, **kwargs) -> None:
    # A new text is analysed first; the analysis then queues the author's taste profile and
    # rows, so each is refreshed once and sees the review's sentiment. Otherwise only the rows.
    if text_changed:
        from recommender.tasks.analysis import analyse_review

        analyse_review.delay(review_id)
    else:
        from recommender.tasks.recommendations import recommendations_refresh

        recommendations_refresh.delay(user_id)


@receiver(events.rating_saved, dispatch_uid="recommender.taste_after_rating")
@receiver(events.ratings_saved, dispatch_uid="recommender.taste_after_ratings")
@receiver(events.review_visibility_changed, dispatch_uid="recommender.taste_after_review_hidden")
@receiver(events.rating_deleted, dispatch_uid="recommender.taste_after_rating_deleted")
@receiver(events.review_deleted, dispatch_uid="recommender.taste_after_review_deleted")
def _refresh_taste_profile(sender, user_id: int, **kwargs) -> None:
    from recommender.tasks.analysis import taste_profile_refresh

    taste_profile_refresh.delay(user_id)


# --- a user's recommendation rows (recommender.tasks.recommendations) ---


# (review_saved: see _analyse_saved_review above)
@receiver(events.rating_saved, dispatch_uid="recommender.rows_after_rating")
@receiver(events.ratings_saved, dispatch_uid="recommender.rows_after_ratings")
@receiver(events.rating_deleted, dispatch_uid="recommender.rows_after_rating_deleted")
@receiver(events.review_deleted, dispatch_uid="recommender.rows_after_review_deleted")
@receiver(events.review_visibility_changed, dispatch_uid="recommender.rows_after_review_hidden")
def _refresh_recommendations(sender, user_id: int, **kwargs) -> None:
    from recommender.tasks.recommendations import recommendations_refresh

    recommendations_refresh.delay(user_id)


# --- the studio console's per-film aggregates (recommender.insight.tasks) ---


@receiver(events.rating_saved, dispatch_uid="recommender.insight_after_rating")
@receiver(events.rating_deleted, dispatch_uid="recommender.insight_after_rating_deleted")
@receiver(events.review_deleted, dispatch_uid="recommender.insight_after_review_deleted")
@receiver(events.review_visibility_changed, dispatch_uid="recommender.insight_after_review_hidden")
def _refresh_film_insight(sender, movie_id: int, **kwargs) -> None:
    from recommender.insight.services import film_insight_queue

    film_insight_queue(movie_id=movie_id)


@receiver(events.ratings_saved, dispatch_uid="recommender.insight_after_ratings")
def _refresh_films_insight(sender, movie_ids: list[int], **kwargs) -> None:
    # An import's thousands of films go to the bulk queue in batches, not one slow task each.
    from recommender.insight.tasks import INSIGHT_BATCH, film_insights_refresh_many

    for start in range(0, len(movie_ids), INSIGHT_BATCH):
        film_insights_refresh_many.delay(list(movie_ids[start : start + INSIGHT_BATCH]))


# --- a deleted account leaves the served model (recommender.tasks.recommendations) ---


@receiver(events.user_deleted, dispatch_uid="recommender.forget_deleted_user")
def _forget_deleted_user(sender, user_id: int, **kwargs) -> None:
    from recommender.tasks.recommendations import recommender_forget_users

    recommender_forget_users.delay([user_id])


# --- similar reviews and related threads (recommender.similar.tasks) ---


@receiver(events.review_saved, dispatch_uid="recommender.review_vector")
def _review_vector(sender, review_id: int, text_changed: bool = True, **kwargs) -> None:
    if text_changed:
        from recommender.similar.tasks import review_vector_refresh_task

        review_vector_refresh_task.delay(review_id)


@receiver(events.thread_saved, dispatch_uid="recommender.thread_vector")
def _thread_vector(sender, thread_id: int, **kwargs) -> None:
    from recommender.similar.tasks import thread_vector_refresh_task

    thread_vector_refresh_task.delay(thread_id)
