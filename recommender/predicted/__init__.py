"""A member's predicted rating of a film ("You would likely rate this 4.0").

The recommender's biased matrix factorisation (``recommender.hybrid.cf.BiasedMF``) is trained
with every retrain; its movie factors are stored per model version when the model is swapped
in, and a member's factors each time their rows are refreshed, so a page reads one row pair
and takes a dot product: no model runs on request.
"""
