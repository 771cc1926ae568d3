from celery import shared_task

from community.movies.models import Movie
from community.movies.services import movie_stats_refresh


@shared_task(name="community.movies.refresh_movie_stats", acks_late=True)
def refresh_movie_stats() -> int:
    """Recompute every movie's rating and review counts (safe to run any number of times)."""
    movie_stats_refresh()
    return Movie.objects.filter(rating_count__gt=0).count()
