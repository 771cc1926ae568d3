"""Celery tasks of the recommender floor, one module per concern."""
