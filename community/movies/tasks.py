from celery import shared_task

from community.movies import importers


@shared_task(name="community.movies.refresh_movie_stats", acks_late=True)
def refresh_movie_stats() -> int:
    """Recompute every movie's rating and review counts (safe to run any number of times)."""
    importers.refresh_all_movie_stats()
    from community.movies.models import Movie

    return Movie.objects.filter(rating_count__gt=0).count()
