"""Ranking maths for CineCircle on plain numpy/scipy arrays (no Django, no torch).

- ``data``: MovieLens loaders and the seeded per-user holdout split.
- ``cf``: collaborative-filtering scorers (neighbours, EASE, ALS) and the rating predictors.
- ``blas``: one BLAS thread for loops of small products.
- ``content``: item vectors from text (TF-IDF, or MiniLM embeddings when available).
- ``people``: a user's affinity to directors and cast, from their own ratings.
- ``aspects``: review aspects (story, acting...) a user values, against movies' profiles.
- ``rows``: users' rating rows as csr matrices: loved and disliked cells, a row in parts.
- ``ranking``: the best ``n`` of a catalogue's scores, and standard scores.
- ``base``: the scorers the blend mixes, fitted together, and their raw scores.
- ``partial``: a long history's sums of weight rows kept from training, brought up to date.
- ``learning``: the blend weights learned on validation examples (logistic, coordinate ascent).
- ``robust``: the folds' blends averaged, pulled towards a prior, and the guard against a lone scorer.
- ``blend``: the hybrid, whose blend weights are learned on a validation split.
- ``serving``: the trained model answering for one member: fold-in, rows and feedback.
- ``reasons``: the one line of English saying why a movie was picked.
- ``artifact``: the model as a versioned ``.npz`` file, and the ``current`` link.
- ``cache``: the active model, loaded once per process.
- ``evaluation``: the offline protocol behind ``manage.py evaluate_recommender``.
- ``synthetic``: rating sets drawn from a low-rank model of a real one, for ``manage.py bench_scale``.
"""
