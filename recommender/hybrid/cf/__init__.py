"""Collaborative filtering on sparse user x item matrices.

Every top-N model follows one small protocol so the evaluation treats them alike:
``fit(train)`` learns from a csr rating matrix, and ``score(rows)`` returns a dense
(n_rows x n_items) array of scores for any users given as csr rows of the same item
space. Scoring from rows (rather than user indices) is what makes fold-in possible: a
user who rated something a second ago is scored the same way as a training user.

Top-N models read the implicit "rated it" signal (``data.binarize``); the rating
predictor ``BiasedMF`` reads the ratings themselves.

- ``neighbours``: Popularity, ItemKNN, CoLiked, UserKNN.
- ``ease``: EASE.
- ``als``: ImplicitALS.
- ``rating``: the rating predictors BiasedMF, KNNBaseline and RatingBlend.
"""

from .als import ImplicitALS
from .ease import EASE
from .neighbours import CoLiked, ItemKNN, Popularity, UserKNN
from .rating import BiasedMF, KNNBaseline, RatingBlend

__all__ = [
    "EASE",
    "BiasedMF",
    "CoLiked",
    "ImplicitALS",
    "ItemKNN",
    "KNNBaseline",
    "Popularity",
    "RatingBlend",
    "UserKNN",
]
