"""Celery tasks of the recommender floor, one module per concern."""

# Celery's autodiscovery imports only this package; the task modules are registered here.
from . import analysis, generation, llm_models, recommendations  # noqa: E402,F401
