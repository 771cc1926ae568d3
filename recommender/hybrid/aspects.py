"""What reviews say about a movie's story, acting, pacing..., matched to what a user values.

A movie's aspect profile is the mean sentiment (-1..1) of each aspect over all of its
analysed reviews (0 for an aspect no review mentions). A user's aspect preference is the
mean sentiment of each aspect over their own analysed reviews, the same numbers as the
"aspects" of their taste profile. A movie scores the dot product of the two: someone
whose reviews keep praising the acting meets movies whose reviewers praise the acting.
Without reviews (MovieLens has none) every profile and every preference is 0, and so is
every score.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np


def mean_aspects(analyses: Iterable[Sequence[Mapping]], names: Sequence[str]) -> np.ndarray:
    """The mean score of each named aspect over ``analyses`` (each a ReviewAnalysis.aspects
    list of {"aspect", "score", ...}); 0 for an aspect none of them mentions."""
    col = {name: j for j, name in enumerate(names)}
    sums = np.zeros(len(names), dtype=np.float64)
    counts = np.zeros(len(names), dtype=np.float64)
    for aspects in analyses:
        for a in aspects or []:
            j = col.get(str(a.get("aspect", "")))
            if j is not None:
                sums[j] += float(a.get("score", 0.0))
                counts[j] += 1
    return np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0).astype(np.float32)


class AspectScorer:
    """Score movies by the dot product of a user's aspect preferences and their profiles."""

    name = "Aspects"

    def __init__(self, profiles: np.ndarray | None = None, *, n_items: int = 0, names: Sequence[str] = ()):
        if profiles is None:
            profiles = np.zeros((n_items, 0), dtype=np.float32)
        self.profiles = np.asarray(profiles, dtype=np.float32)  # items x aspects
        self.names = list(names)

    @property
    def n_items(self) -> int:
        return int(self.profiles.shape[0])

    def preferences(self, by_aspect: Mapping[str, float]) -> np.ndarray:
        """A user's {aspect: -1..1} as a vector in this scorer's aspect order."""
        return np.array([float(by_aspect.get(name, 0.0)) for name in self.names], dtype=np.float32)

    def score(self, preferences: np.ndarray | None, n_users: int) -> np.ndarray:
        """(n_users, n_items) scores from (n_users, aspects) preferences; zeros without any."""
        if preferences is None or self.profiles.shape[1] == 0:
            return np.zeros((n_users, self.n_items), dtype=np.float32)
        preferences = np.asarray(preferences, dtype=np.float32).reshape(n_users, -1)
        return preferences @ self.profiles.T
