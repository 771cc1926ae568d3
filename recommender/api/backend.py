"""The recommender functions the API calls, gathered in one place.

Each function here is a thin call point: the API views never reach into the recommender's
internals, so when a service moves or is renamed only this file changes.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects

from community.movies.models import Movie
from recommender import selectors as recommender_selectors
from recommender.services.budget import GenerationBudgetSpent
from recommender.services.generation import GenerationRefused, generated_text_request


def similar_movies(*, movie: Movie, limit: int) -> list[dict[str, Any]]:
    """Movies like this one, most similar first, as ``{"movie": Movie, "score": float}``."""
    similar = recommender_selectors.similar_movies(movie=movie, limit=limit)
    prefetch_related_objects([item["movie"] for item in similar], "genres")
    return similar


__all__ = ["GenerationBudgetSpent", "GenerationRefused", "generated_text_request", "similar_movies"]
