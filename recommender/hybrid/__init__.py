"""Ranking maths for CineCircle on plain numpy/scipy arrays (no Django, no torch).

- ``data``: MovieLens loaders and the seeded per-user holdout split.
- ``cf``: collaborative-filtering baselines and the rating predictor.
- ``content``: item vectors from text (TF-IDF, or MiniLM embeddings when available).
- ``people``: a user's affinity to directors and cast, from their own ratings.
- ``aspects``: review aspects (story, acting...) a user values, against movies' profiles.
- ``blend``: the hybrid, whose blend weights are learned on a validation split.
- ``serving``: the versioned model artefact, fold-in and reasons.
- ``evaluation``: the offline protocol behind ``manage.py evaluate_recommender``.
"""
