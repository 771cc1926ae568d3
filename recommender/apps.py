from __future__ import annotations

import os
from typing import Any

from django.apps import AppConfig


def models_readiness() -> dict[str, Any]:
    """For /healthz: which models are prepared, from files on disk only (nothing is loaded)."""
    from recommender.hybrid.artifact import CURRENT
    from recommender.llm import sentiment
    from recommender.selectors_llm import models_status
    from recommender.services.recommendations import model_dir

    status = models_status()
    try:
        recommender_version: str | None = os.readlink(model_dir() / CURRENT)
    except OSError:
        recommender_version = None
    language = {name: bool(status[name]) for name in ("sentiment", "generator", "embeddings")}
    return {
        # The recommender model is what the homepage rows need; the language models the AI parts.
        "ready": all(language.values()) and recommender_version is not None,
        **language,
        "recommender": recommender_version is not None,
        "versions": {"sentiment": sentiment.current_version(), "recommender": recommender_version},
        "stage": status["stage"],
        "detail": status["detail"],
        "error": status["error"],
    }


class RecommenderConfig(AppConfig):
    name = "recommender"

    def ready(self) -> None:
        from community.core import health, pagecache
        from community.discussions import related
        from community.movies import sentiment
        from community.reviews import sentiment as review_sentiment
        from community.reviews import similar

        from . import exports, receivers  # noqa: F401  (receivers connect to community.core.events)
        from .selectors import recommendation_rows_stamp_fields
        from .selectors_llm import movie_sentiment_summary, review_sentiments

        # The homepage shows this member's rows: its cached copy is stale when they change.
        pagecache.register_stamp("home", recommendation_rows_stamp_fields)
        # /healthz says whether the models are prepared (community never imports recommender).
        health.register_readiness("recommender", models_readiness)
        # "Download my data" carries what the models derived from the member.
        exports.register()
        # The movie detail API's sentiment summary reads this floor's analyses.
        sentiment.sentiment_summary_register(movie_sentiment_summary)
        # Every review card and the reviews API show each review's chip from this floor's analyses.
        review_sentiment.review_sentiments_register(review_sentiments)
        # Similar reviews under each review, related threads on each discussion (recommender/similar/).
        from .similar import selectors as similar_selectors

        similar.similar_reviews_register(similar_selectors.similar_reviews)
        related.related_threads_register(similar_selectors.related_threads)
