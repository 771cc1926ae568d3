"""Celery tasks of the recommender floor, one module per concern."""

# Celery's autodiscovery imports only this package; the task modules are registered here.
from recommender.ask import tasks as ask  # noqa: E402,F401  (Ask CineCircle's texts)
from recommender.audiences import tasks as audiences  # noqa: E402,F401  (the movie page's "What audiences say")
from recommender.insight import tasks as insight  # noqa: E402,F401  (the studio console's aggregates)
from recommender.notes import tasks as notes  # noqa: E402,F401  (synopsis and character guide)
from recommender.similar import tasks as similar  # noqa: E402,F401  (similar reviews, related threads)

from . import analysis, generation, llm_models, recommendations  # noqa: E402,F401
